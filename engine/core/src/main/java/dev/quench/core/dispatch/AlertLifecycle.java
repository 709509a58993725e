package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.store.RunStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What an alert's status means for its runs: a resolved alert cancels the queued runs of the
 * same alert (same source and fingerprint); a firing alert does not start a runbook already
 * queued or running for it. Runs inside the dispatcher's transaction. Thread-safe (stateless).
 */
final class AlertLifecycle {

    /** Statuses in which a run has not finished. */
    private static final List<String> ACTIVE = List.of(RunStatus.QUEUED.wireName(), RunStatus.RUNNING.wireName(),
            RunStatus.AWAITING_APPROVAL.wireName());

    /** Statuses of a run that has not started: a resolved alert cancels these. */
    private static final List<String> WAITING = List.of(RunStatus.QUEUED.wireName(),
            RunStatus.AWAITING_APPROVAL.wireName());

    private AlertLifecycle() {
    }

    /**
     * Records the queued and awaiting-approval runs of {@code resolved}'s alert as cancelled and returns their ids.
     * Running runs are left to finish: stopping a remediation half-way is worse than finishing it.
     */
    static List<String> cancelQueuedRuns(Handle handle, Alert resolved, Instant now) {
        List<String> ids = handle.createQuery("""
                        select r.id from run r
                        where r.alert_source = :source and r.alert_fingerprint = :fingerprint and r.status in (<waiting>)
                        order by r.created_at""")
                .bind("source", resolved.source())
                .bind("fingerprint", resolved.fingerprint())
                .bindList("waiting", WAITING)
                .mapTo(String.class)
                .list();
        for (String id : ids) {
            handle.createUpdate("""
                            update run set status = :cancelled, message = :reason, finished_at = :now
                            where id = :id and status in (<waiting>)""")
                    .bind("cancelled", RunStatus.CANCELLED.wireName())
                    .bind("reason", "cancelled before it started: the alert resolved ("
                            + RunDispatcher.describe(resolved) + ")")
                    .bind("now", Timestamp.from(now))
                    .bind("id", id)
                    .bindList("waiting", WAITING)
                    .execute();
        }
        return ids;
    }

    /** The id of a queued or running run of {@code runbook} for the same alert, if there is one. */
    static java.util.Optional<String> activeRun(Handle handle, String runbook, Alert alert) {
        return handle.createQuery("""
                        select r.id from run r
                        where r.runbook = :runbook and r.status in (<active>)
                          and r.alert_source = :source and r.alert_fingerprint = :fingerprint
                        fetch first 1 rows only""")
                .bind("runbook", runbook)
                .bindList("active", ACTIVE)
                .bind("source", alert.source())
                .bind("fingerprint", alert.fingerprint())
                .mapTo(String.class)
                .findFirst();
    }
}
