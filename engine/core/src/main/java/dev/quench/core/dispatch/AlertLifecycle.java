package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.store.RunRepository;
import dev.quench.core.store.StoreTransaction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an alert's status means for its runs: a resolved alert cancels the queued runs of the
 * same alert (same source and fingerprint); a firing alert does not start a runbook already
 * queued or running for it. Runs inside the dispatcher's transaction. Thread-safe (stateless).
 */
final class AlertLifecycle {

    private AlertLifecycle() {
    }

    /**
     * Records the queued and awaiting-approval runs of {@code resolved}'s alert as cancelled and returns their ids.
     * Running runs are left to finish: stopping a remediation half-way is worse than finishing it.
     */
    static List<String> cancelQueuedRuns(RunRepository runs, StoreTransaction transaction, Alert resolved,
                                         Instant now) {
        return runs.cancelWaitingRunsOfAlert(transaction, resolved.source(), resolved.fingerprint(),
                "cancelled before it started: the alert resolved (" + RunDispatcher.describe(resolved) + ")", now);
    }

    /** The id of a queued or running run of {@code runbook} for the same alert, if there is one. */
    static Optional<String> activeRun(RunRepository runs, StoreTransaction transaction, String runbook, Alert alert) {
        return runs.unfinishedRunOfAlert(transaction, runbook, alert.source(), alert.fingerprint());
    }
}
