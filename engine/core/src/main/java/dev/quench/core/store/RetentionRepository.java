package dev.quench.core.store;

import static dev.quench.core.store.AlertRepository.instant;
import static dev.quench.core.store.AlertRepository.timestamp;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Retention's SQL: the toil roll-ups kept for pruned weeks, the watermark below which detail is rolled up,
 * and deletes bounded to a batch, each in a short transaction of its own (no long lock on H2 or
 * PostgreSQL). The same statements run on both. Thread-safe.
 */
public final class RetentionRepository {

    /** The watermark of run detail (toil_week). */
    public static final String RUNS = "runs";
    /** The watermark of alert detail (toil_manual_week). */
    public static final String ALERTS = "alerts";

    private final Jdbi jdbi;

    RetentionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Where {@code target}'s detail stops being rolled up: empty when nothing has been rolled up yet. */
    public Optional<Instant> rolledUpBefore(String target) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "select rolled_up_before from retention_watermark where target = :target")
                .bind("target", target)
                .map((row, context) -> instant(row.getTimestamp(1)))
                .findOne());
    }

    /** When the oldest finished run finished (where its roll-up starts), if there is one. */
    public Optional<Instant> oldestRunFinished() {
        return jdbi.withHandle(handle -> handle.createQuery("select min(finished_at) from run")
                .map((row, context) -> instant(row.getTimestamp(1)))
                .findOne().flatMap(Optional::ofNullable));
    }

    /** When the oldest stored alert (a row or a bulk row) arrived, if there is one. */
    public Optional<Instant> oldestAlertReceived() {
        return jdbi.withHandle(handle -> {
            Instant row = handle.createQuery("select min(received_at) from alert")
                    .map((result, context) -> instant(result.getTimestamp(1))).one();
            Instant bulk = handle.createQuery("select min(first_received) from alert_chunk")
                    .map((result, context) -> instant(result.getTimestamp(1))).one();
            if (row == null || bulk == null) {
                return Optional.ofNullable(row == null ? bulk : row);
            }
            return Optional.of(row.isBefore(bulk) ? row : bulk);
        });
    }

    /**
     * Keeps {@code tallies}, the runs of the week starting at {@code weekStart}, and moves the runs watermark
     * to {@code nextWeek}, in one transaction: a week is rolled up exactly once, and the ledger never
     * counts it twice or not at all.
     */
    public void rollUpRunWeek(Instant weekStart, Instant nextWeek, List<ToilWeek> tallies) {
        rollUpRunWeek(weekStart, nextWeek, tallies, List.of());
    }

    /** {@link #rollUpRunWeek(Instant, Instant, List)} with the week's per-team toil share figures too. */
    public void rollUpRunWeek(Instant weekStart, Instant nextWeek, List<ToilWeek> tallies, List<TeamToilWeek> teams) {
        jdbi.useTransaction(handle -> {
            for (TeamToilWeek team : teams) {
                handle.createUpdate("""
                                insert into toil_team_week (week_start, owner, minutes_saved, minutes_incurred, approvals)
                                values (:week, :owner, :saved, :incurred, :approvals)""")
                        .bind("week", timestamp(weekStart))
                        .bind("owner", team.owner())
                        .bind("saved", team.minutesSaved())
                        .bind("incurred", team.minutesIncurred())
                        .bind("approvals", team.approvals())
                        .execute();
            }
            for (ToilWeek tally : tallies) {
                handle.createUpdate("""
                                insert into toil_week (week_start, runbook, owner, runs, succeeded, failed, minutes_saved)
                                values (:week, :runbook, :owner, :runs, :succeeded, :failed, :saved)""")
                        .bind("week", timestamp(weekStart))
                        .bind("runbook", tally.runbook())
                        .bind("owner", tally.owner())
                        .bind("runs", tally.runs())
                        .bind("succeeded", tally.succeeded())
                        .bind("failed", tally.failed())
                        .bind("saved", tally.minutesSaved())
                        .execute();
            }
            moveWatermark(handle, RUNS, nextWeek);
        });
    }

    /** Like {@link #rollUpRunWeek}, for the manual (unmatched firing) alerts of one week, by alert name. */
    public void rollUpManualWeek(Instant weekStart, Instant nextWeek, Map<String, Integer> alertsByName) {
        jdbi.useTransaction(handle -> {
            alertsByName.forEach((name, count) -> handle.createUpdate("""
                            insert into toil_manual_week (week_start, alertname, alerts) values (:week, :name, :alerts)""")
                    .bind("week", timestamp(weekStart))
                    .bind("name", name)
                    .bind("alerts", (long) count)
                    .execute());
            moveWatermark(handle, ALERTS, nextWeek);
        });
    }

    private static void moveWatermark(Handle handle, String target, Instant before) {
        int updated = handle.createUpdate("update retention_watermark set rolled_up_before = :before where target = :target")
                .bind("target", target).bind("before", timestamp(before)).execute();
        if (updated == 0) {
            handle.createUpdate("insert into retention_watermark (target, rolled_up_before) values (:target, :before)")
                    .bind("target", target).bind("before", timestamp(before)).execute();
        }
    }

    /** The run roll-ups of the weeks starting in [{@code fromWeek}, {@code before}). */
    public List<ToilWeek> toilWeeks(Instant fromWeek, Instant before) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select * from toil_week where week_start >= :from and week_start < :before
                        order by week_start, runbook, owner""")
                .bind("from", timestamp(fromWeek))
                .bind("before", timestamp(before))
                .map((row, context) -> new ToilWeek(instant(row.getTimestamp("week_start")), row.getString("runbook"),
                        row.getString("owner"), row.getInt("runs"), row.getInt("succeeded"), row.getInt("failed"),
                        row.getLong("minutes_saved")))
                .list());
    }

    /** The manual alerts rolled up for the weeks starting in [{@code fromWeek}, {@code before}), by name. */
    public Map<String, Long> manualWeeks(Instant fromWeek, Instant before) {
        return jdbi.withHandle(handle -> {
            Map<String, Long> byName = new TreeMap<>();
            handle.createQuery("""
                            select alertname, sum(alerts) as alerts from toil_manual_week
                            where week_start >= :from and week_start < :before group by alertname""")
                    .bind("from", timestamp(fromWeek))
                    .bind("before", timestamp(before))
                    .map((row, context) -> byName.put(row.getString("alertname"), row.getLong("alerts")))
                    .list();
            return byName;
        });
    }

    /**
     * Deletes up to {@code limit} runs that were created and finished before {@code before}, with their steps
     * and decisions, in one short transaction; returns how many runs. A run that never finished is kept.
     */
    public int deleteRuns(Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<String> ids = handle.createQuery("""
                            select id from run where created_at < :before and finished_at < :before
                            order by created_at limit :limit""")
                    .bind("before", timestamp(before)).bind("limit", limit)
                    .mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            handle.createUpdate("delete from run_step where run_id in (<ids>)").bindList("ids", ids).execute();
            handle.createUpdate("delete from run_decision where run_id in (<ids>)").bindList("ids", ids).execute();
            handle.createUpdate("delete from run_given_alert where run_id in (<ids>)").bindList("ids", ids).execute();
            return handle.createUpdate("delete from run where id in (<ids>)").bindList("ids", ids).execute();
        });
    }

    /** Deletes up to {@code limit} schedule fires recorded before {@code before}; returns how many. */
    public int deleteScheduleFires(Instant before, int limit) {
        return jdbi.inTransaction(handle -> handle.createUpdate("""
                        delete from schedule_fire where id in (
                            select id from schedule_fire where fired_at < :before order by fired_at limit :limit)""")
                .bind("before", timestamp(before)).bind("limit", limit).execute());
    }

    /**
     * Deletes up to {@code limit} schedule fire claims (one per fire, cluster mode) of fires due before
     * {@code before}; returns how many. A claim only keeps two nodes from running one fire twice, so one
     * older than the runs' retention guards nothing.
     */
    public int deleteScheduleFireClaims(Instant before, int limit) {
        return jdbi.inTransaction(handle -> handle.createUpdate("""
                        delete from schedule_fire_claim where run_id in (
                            select run_id from schedule_fire_claim where scheduled_at < :before
                            order by scheduled_at limit :limit)""")
                .bind("before", timestamp(before)).bind("limit", limit).execute());
    }

    /**
     * Deletes up to {@code limit} alert rows received before {@code before} that no stored run or incident refers
     * to (a run keeps its alert until the run itself is pruned, an incident until it is pruned); returns how many.
     */
    public int deleteAlerts(Instant before, int limit) {
        return jdbi.inTransaction(handle -> handle.createUpdate("""
                        delete from alert where id in (
                            select a.id from alert a
                            where a.received_at < :before
                              and not exists (select 1 from run r where r.alert_id = a.id)
                              and not exists (select 1 from incident_alert ia where ia.alert_id = a.id)
                            order by a.received_at limit :limit)""")
                .bind("before", timestamp(before)).bind("limit", limit).execute());
    }

    /**
     * Deletes up to {@code limit} incidents whose last alert arrived (and that resolved, when they did) before
     * {@code before} and that no stored run refers to any more, with their alert links and group rows, in one
     * short transaction; returns how many. Their alerts are then pruned like any other (retention runs this
     * before {@link #deleteAlerts}).
     */
    public int deleteIncidents(Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<String> ids = handle.createQuery("""
                            select i.id from incident i
                            where coalesce(i.resolved_at, i.last_alert_at) < :before and i.last_alert_at < :before
                              and not exists (select 1 from run r where r.incident_id = i.id)
                            order by i.opened_at limit :limit""")
                    .bind("before", timestamp(before)).bind("limit", limit)
                    .mapTo(String.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            handle.createUpdate("delete from incident_alert where incident_id in (<ids>)").bindList("ids", ids).execute();
            handle.createUpdate("delete from incident_group where incident_id in (<ids>)").bindList("ids", ids).execute();
            return handle.createUpdate("delete from incident where id in (<ids>)").bindList("ids", ids).execute();
        });
    }

    /**
     * Deletes up to {@code limit} bulk alert rows (each holds many alerts) whose last alert arrived before
     * {@code before}; returns how many alerts they held.
     */
    public int deleteAlertChunks(Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<Map<String, Object>> rows = handle.createQuery("""
                            select first_id, alert_count from alert_chunk where last_received < :before
                            order by first_id limit :limit""")
                    .bind("before", timestamp(before)).bind("limit", limit)
                    .mapToMap().list();
            if (rows.isEmpty()) {
                return 0;
            }
            List<Long> ids = rows.stream().map(row -> ((Number) row.get("first_id")).longValue()).toList();
            handle.createUpdate("delete from alert_chunk where first_id in (<ids>)").bindList("ids", ids).execute();
            return rows.stream().mapToInt(row -> ((Number) row.get("alert_count")).intValue()).sum();
        });
    }
}
