package dev.quench.core.retention;

import dev.quench.core.store.RetentionRepository;
import dev.quench.core.store.Store;
import java.util.List;

/** The kinds of detail retention prunes, in the order it prunes them. */
final class RetentionTargets {

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
                        List.of(retention::deleteIncidents, retention::deleteAlerts, retention::deleteAlertChunks)),
                new RetentionTarget("audit", settings.audit(), RetentionTarget.RollUp.NONE,
                        List.of(store.audit()::deleteOlderThan)));
    }
}
