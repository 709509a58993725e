/** Executes one run's steps in order: rendering, conditions, for-each, retries, timeouts, cancellation, secret redaction and recording each step. */
package dev.quench.core.exec;
