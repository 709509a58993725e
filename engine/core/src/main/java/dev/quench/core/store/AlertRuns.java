package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Reads the runs a page of alerts started (index {@code run_alert}), in one query per 500 alerts. Stateless. */
final class AlertRuns {

    private static final int IDS_PER_QUERY = 500;

    private AlertRuns() {
    }

    /** The runs each of {@code alertIds} started, oldest first; only {@code team}'s when it is not null. */
    static Map<Long, List<AlertRun>> of(Handle handle, List<Long> alertIds, String team) {
        Map<Long, List<AlertRun>> byAlert = new HashMap<>();
        for (int from = 0; from < alertIds.size(); from += IDS_PER_QUERY) {
            var query = handle.createQuery("""
                            select id, alert_id, runbook, owner, status, dry_run, created_at, finished_at from run
                            where alert_id in (<ids>)""" + (team == null ? "" : " and owner = :team")
                            + " order by created_at, id")
                    .bindList("ids", alertIds.subList(from, Math.min(alertIds.size(), from + IDS_PER_QUERY)));
            if (team != null) {
                query.bind("team", team);
            }
            query.map((row, context) -> {
                byAlert.computeIfAbsent(row.getLong("alert_id"), ignored -> new ArrayList<>()).add(new AlertRun(
                        row.getString("id"), row.getString("runbook"), row.getString("owner"),
                        RunStatus.parse(row.getString("status")), row.getBoolean("dry_run"),
                        instant(row.getTimestamp("created_at")), instant(row.getTimestamp("finished_at"))));
                return 0;
            }).list();
        }
        return byAlert;
    }
}
