/** The toil ledger: toil saved by runs and incurred by unmatched alerts, reported per runbook, team and week. */
package dev.quench.core.ledger;
