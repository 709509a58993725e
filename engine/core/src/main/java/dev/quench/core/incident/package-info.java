/**
 * Incidents: which alerts belong together (the {@code incidents:} section's group labels and window), placing
 * each matched alert and its runs in its incident as the dispatcher records them, resolving settled ones, and
 * the postmortem draft of one incident. Sits with the ledger, above the store and the alert model and below
 * dispatch, server and cli.
 */
package dev.quench.core.incident;
