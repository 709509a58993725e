package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The toil ledger's own reads beyond runs and alerts: approvals per run, automation coverage, and the per-team
 * weekly roll-ups retention keeps. Thread-safe.
 */
public final class ToilRepository {

    private final Jdbi jdbi;

    ToilRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * How many human approvals each non-dry run that finished in [{@code since}, {@code until}) had (runs without
     * any are left out); no end when {@code until} is null.
     */
    public Map<String, Integer> approvalsOfRunsFinished(Instant since, Instant until) {
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery("""
                            select d.run_id, count(*) as approvals from run_decision d join run r on r.id = d.run_id
                            where d.action = 'approve' and r.dry_run = false and r.finished_at >= :since"""
                            + (until == null ? "" : " and r.finished_at < :until") + " group by d.run_id")
                    .bind("since", timestamp(since));
            if (until != null) {
                query.bind("until", timestamp(until));
            }
            Map<String, Integer> approvals = new HashMap<>();
            query.map((row, context) -> approvals.put(row.getString("run_id"), row.getInt("approvals"))).list();
            return approvals;
        });
    }

    /**
     * Firing alerts received since {@code since} (rows and bulk rows) and how many of them were handled without a
     * human: a run of theirs, or of their incident, succeeded and no person approved it.
     */
    public Coverage coverage(Instant since) {
        return jdbi.withHandle(handle -> {
            long rows = handle.createQuery(
                            "select count(*) from alert where status = 'firing' and received_at >= :since")
                    .bind("since", timestamp(since)).mapTo(Long.class).one();
            long bulk = handle.createQuery(
                            "select coalesce(sum(alert_count), 0) from alert_chunk where last_received >= :since")
                    .bind("since", timestamp(since)).mapTo(Long.class).one();
            long handled = handle.createQuery("""
                            select count(*) from alert a
                            where a.status = 'firing' and a.received_at >= :since and exists (
                                select 1 from run r
                                where (r.alert_id = a.id or r.incident_id in (
                                          select ia.incident_id from incident_alert ia where ia.alert_id = a.id))
                                  and r.status = 'succeeded' and r.dry_run = false
                                  and not exists (select 1 from run_decision d
                                                  where d.run_id = r.id and d.action = 'approve'))""")
                    .bind("since", timestamp(since)).mapTo(Long.class).one();
            return new Coverage(rows + bulk, handled);
        });
    }

    /**
     * Firing alerts and those handled without a human.
     *
     * @param firing  firing alerts received
     * @param handled of which a run (of the alert or its incident) succeeded with no human approval
     */
    public record Coverage(long firing, long handled) {
    }

    /** The per-team roll-ups of the weeks starting in [{@code fromWeek}, {@code before}). */
    public List<TeamToilWeek> teamWeeks(Instant fromWeek, Instant before) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select * from toil_team_week where week_start >= :from and week_start < :before
                        order by week_start, owner""")
                .bind("from", timestamp(fromWeek))
                .bind("before", timestamp(before))
                .map((row, context) -> new TeamToilWeek(instant(row.getTimestamp("week_start")),
                        row.getString("owner"), row.getLong("minutes_saved"), row.getLong("minutes_incurred"),
                        row.getInt("approvals")))
                .list());
    }
}
