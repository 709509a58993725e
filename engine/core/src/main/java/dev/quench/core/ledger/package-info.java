/** The toil ledger: toil saved and incurred, grouped per incident, reported per runbook, team and week. */
package dev.quench.core.ledger;
