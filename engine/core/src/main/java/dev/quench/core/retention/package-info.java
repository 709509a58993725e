/**
 * Retention: prunes alerts, runs and the audit log older than {@code retention:} says, in
 * small batches, on one node at a time, after rolling up what the toil ledger reports of them. Sits above
 * store and ledger, beside schedule; only boot wires it.
 */
package dev.quench.core.retention;
