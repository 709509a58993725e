/** Runs a runbook in this process without a server (the CLI's run and test commands). */
package dev.quench.core.local;
