/** Groovy runbooks: the DSL, its compiler configuration and the loader that turns a {@code *.groovy} file into the same runbook model as YAML. */
package dev.quench.core.runbook.groovy;
