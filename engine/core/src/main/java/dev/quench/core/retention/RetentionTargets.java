package dev.quench.core.retention;

import dev.quench.core.store.RetentionRepository;
import dev.quench.core.store.Store;
import java.util.List;

/** The kinds of detail retention prunes, in the order it prunes them. */
final class RetentionTargets {

    /** Bulk alert rows hold up to a group commit's alerts each: delete fewer of them per batch. */
    private static final int ALERTS_PER_BULK_ROW_ESTIMATE = 100;

    private RetentionTargets() {
    }

    /**
     * Runs before alerts, since a run keeps its alert (and its incident, which keeps its alerts); incidents
     * before the alerts they hold; the audit log has nothing to roll up.
     */
    static List<RetentionTarget> of(Store store, RetentionSettings settings) {
        RetentionRepository retention = store.retention();
        ToilRollUps rollUps = new ToilRollUps(store);
        return List.of(
                new RetentionTarget("runs", settings.runs(), rollUps::runs,
                        List.of(retention::deleteRuns, retention::deleteScheduleFires,
                                retention::deleteScheduleFireClaims)),
                new RetentionTarget("alerts", settings.alerts(), rollUps::alerts,
                        List.of(retention::deleteIncidents, retention::deleteAlerts, (before, limit) -> retention.deleteAlertChunks(before,
                                Math.max(1, limit / ALERTS_PER_BULK_ROW_ESTIMATE)))),
                new RetentionTarget("audit", settings.audit(), RetentionTarget.RollUp.NONE,
                        List.of(store.audit()::deleteOlderThan)));
    }
}
