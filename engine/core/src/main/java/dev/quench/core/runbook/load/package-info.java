/** Loads a directory (or one file) of runbooks, YAML and Groovy, into runbooks and positioned problems. */
package dev.quench.core.runbook.load;
