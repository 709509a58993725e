/** Executes one run's steps in order: rendering, conditions, for-each, retries, timeouts, cancellation, secret redaction, recording each step and publishing its live events. */
package dev.quench.core.exec;
