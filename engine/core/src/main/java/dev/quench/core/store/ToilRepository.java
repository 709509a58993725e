package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The toil ledger's own reads beyond runs and alerts: the weeks of run detail counted in the database, automation
 * coverage, and the per-team weekly roll-ups retention keeps. Thread-safe.
 */
public final class ToilRepository {

    private final Jdbi jdbi;

    ToilRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * What the ledger counts of the runs that finished in [{@code :from}, {@code :until}), per runbook and owner:
     * runs, succeeded, failed (any end but succeeded) and minutes saved. Dry runs, and refused or rejected runs
     * (they never ran), count nothing. The one definition of a counted run: retention's weekly roll-up inserts
     * these rows, and the ledger reads them for the weeks not rolled up yet.
     */
    static final String RUN_WEEK = """
            select runbook, owner, count(*) as runs, sum(case when status = :succeeded then 1 else 0 end) as succeeded,
                   sum(case when status = :succeeded then 0 else 1 end) as failed,
                   sum(toil_saved_minutes) as minutes_saved
            from run
            where finished_at >= :from and finished_at < :until and dry_run = false
              and status not in (:refused, :rejected)
            group by runbook, owner""";

    /**
     * Like {@link #RUN_WEEK}, per owner (team): minutes saved, manual minutes incurred by the runs that did not
     * succeed, and human approvals of the counted runs.
     */
    static final String TEAM_WEEK = """
            select owner, sum(saved) as minutes_saved, sum(incurred) as minutes_incurred, sum(approvals) as approvals
            from (select r.owner, r.toil_saved_minutes as saved,
                         case when r.status = :succeeded then 0 else r.manual_minutes end as incurred,
                         (select count(*) from run_decision d where d.run_id = r.id and d.action = 'approve') as approvals
                  from run r
                  where r.finished_at >= :from and r.finished_at < :until and r.dry_run = false
                    and r.status not in (:refused, :rejected)) counted
            group by owner""";

    /** The bindings of {@link #RUN_WEEK} and {@link #TEAM_WEEK} for the runs that finished in [{@code from}, {@code until}). */
    static Map<String, Object> weekBounds(Instant from, Instant until) {
        return Map.of("from", timestamp(from), "until", timestamp(until),
                "succeeded", RunStatus.SUCCEEDED.wireName(), "refused", RunStatus.REFUSED.wireName(),
                "rejected", RunStatus.REJECTED.wireName());
    }

    /**
     * The first and last end of the non-dry runs that finished at or after {@code since}; empty when none did.
     * Tells the ledger which weeks of run detail to read.
     */
    public Optional<FinishedSpan> finishedSpan(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select min(finished_at) as first_end, max(finished_at) as last_end from run
                        where finished_at >= :since and dry_run = false""")
                .bind("since", timestamp(since))
                .map((row, context) -> row.getTimestamp("first_end") == null ? null
                        : new FinishedSpan(instant(row.getTimestamp("first_end")), instant(row.getTimestamp("last_end"))))
                .findOne());
    }

    /** When the first and the last of some runs finished. */
    public record FinishedSpan(Instant first, Instant last) {
    }

    /**
     * The week starting at {@code weekStart} as the ledger counts it ({@link #RUN_WEEK}), from the runs that finished
     * in [{@code from}, {@code until}), a part of that week; grouped in the database, one row per runbook and owner.
     */
    public List<ToilWeek> runWeek(Instant weekStart, Instant from, Instant until) {
        return jdbi.withHandle(handle -> handle.createQuery(RUN_WEEK)
                .bindMap(weekBounds(from, until))
                .map((row, context) -> new ToilWeek(weekStart, row.getString("runbook"), row.getString("owner"),
                        row.getInt("runs"), row.getInt("succeeded"), row.getInt("failed"), row.getLong("minutes_saved")))
                .list());
    }

    /** Like {@link #runWeek}, per team ({@link #TEAM_WEEK}). */
    public List<TeamToilWeek> teamWeek(Instant weekStart, Instant from, Instant until) {
        return jdbi.withHandle(handle -> handle.createQuery(TEAM_WEEK)
                .bindMap(weekBounds(from, until))
                .map((row, context) -> new TeamToilWeek(weekStart, row.getString("owner"), row.getLong("minutes_saved"),
                        row.getLong("minutes_incurred"), row.getInt("approvals")))
                .list());
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
