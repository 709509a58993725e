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
     * Rolls up the runs that finished in the week starting at {@code weekStart} into {@code toil_week} (per runbook
     * and owner) and {@code toil_team_week} (per owner, with their human approvals), and moves the runs watermark to
     * {@code nextWeek}, in one transaction: a week is rolled up exactly once, and the ledger never counts it twice
     * or not at all. Two statements that group in the database, however many runs the week has. They count what
     * {@code ToilLedger} counts from run detail (dry runs, and refused or rejected runs, which never ran, count
     * nothing; any end but succeeded is a failure), with the very statements the ledger reads the weeks it has not
     * rolled up with ({@link ToilRepository#runWeek}, {@link ToilRepository#teamWeek}).
     */
    public void rollUpRunWeek(Instant weekStart, Instant nextWeek) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("insert into toil_week (week_start, runbook, owner, runs, succeeded, failed, minutes_saved)"
                            + " select cast(:week as timestamp with time zone), w.runbook, w.owner, w.runs, w.succeeded,"
                            + " w.failed, w.minutes_saved from (" + ToilRepository.RUN_WEEK + ") w")
                    .bindMap(ToilRepository.weekBounds(weekStart, nextWeek)).bind("week", timestamp(weekStart))
                    .execute();
            handle.createUpdate("insert into toil_team_week (week_start, owner, minutes_saved, minutes_incurred, approvals)"
                            + " select cast(:week as timestamp with time zone), t.owner, t.minutes_saved,"
                            + " t.minutes_incurred, t.approvals from (" + ToilRepository.TEAM_WEEK + ") t")
                    .bindMap(ToilRepository.weekBounds(weekStart, nextWeek)).bind("week", timestamp(weekStart))
                    .execute();
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
     * Deletes the next batch of runs that finished before {@code before}, walking the {@code run (finished_at)} index
     * from {@code from} on: up to {@code limit} of them, with their steps, decisions, given alerts and cancel
     * requests, in one short transaction. A run that never finished is not on that walk, so it is kept. (No
     * condition on another indexed column: H2 might walk that index instead and sort every old run per batch.)
     * The deletes name the runs by their ids: run ids are random, so no range of them bounds a batch, and H2
     * runs an {@code IN (select …)} of the batch's runs once per row it looks at, which is slower still than
     * comparing each row with every value of the list ({@link #deleteAlerts} deletes by range instead).
     */
    public DeleteBatch deleteRuns(Instant from, Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = next(handle, """
                    select id, finished_at as at from run
                    where finished_at >= :from and finished_at < :before
                    order by finished_at limit :limit""", from, before, limit, row -> row.getString("id"));
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            List<Object> ids = ids(rows);
            for (String table : List.of("run_step", "run_decision", "run_given_alert", "run_cancel_request")) {
                handle.createUpdate("delete from " + table + " where run_id in (<ids>)").bindList("ids", ids).execute();
            }
            int deleted = handle.createUpdate("delete from run where id in (<ids>)").bindList("ids", ids).execute();
            return batch(deleted, rows);
        });
    }

    /** Deletes the next batch of up to {@code limit} schedule fires recorded before {@code before}, from {@code from} on. */
    public DeleteBatch deleteScheduleFires(Instant from, Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = next(handle, """
                    select id, fired_at as at from schedule_fire where fired_at >= :from and fired_at < :before
                    order by fired_at limit :limit""", from, before, limit, row -> row.getLong("id"));
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            return batch(handle.createUpdate("delete from schedule_fire where id in (<ids>)")
                    .bindList("ids", ids(rows)).execute(), rows);
        });
    }

    /**
     * Deletes the next batch of up to {@code limit} schedule fire claims (one per fire, cluster mode) of fires due
     * before {@code before}, from {@code from} on. A claim only keeps two nodes from running one fire twice, so one
     * older than the runs' retention guards nothing.
     */
    public DeleteBatch deleteScheduleFireClaims(Instant from, Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = next(handle, """
                    select run_id, scheduled_at as at from schedule_fire_claim
                    where scheduled_at >= :from and scheduled_at < :before
                    order by scheduled_at limit :limit""", from, before, limit, row -> row.getString("run_id"));
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            // run_id is unique per claim (a run answers one fire); the time bound keeps a newer claim out regardless
            return batch(handle.createUpdate("""
                            delete from schedule_fire_claim where run_id in (<ids>) and scheduled_at < :before""")
                    .bindList("ids", ids(rows)).bind("before", timestamp(before)).execute(), rows);
        });
    }

    /**
     * Looks at the next {@code limit} alert rows received before {@code before}, from {@code from} on (the
     * {@code alert (received_at)} index), and deletes those no stored run or incident refers to: a run keeps its
     * alert until the run itself is pruned, an incident until it is pruned. Kept rows are not looked at again in
     * this pass, since the next batch starts after them. Rows received at the very instant of the last one looked
     * at, with an id within the batch's, go too (as old, cut off by the limit).
     */
    public DeleteBatch deleteAlerts(Instant from, Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = next(handle, """
                    select id, received_at as at from alert where received_at >= :from and received_at < :before
                    order by received_at limit :limit""", from, before, limit, row -> row.getLong("id"));
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            // the batch by its range on the walk and of ids, not an IN list: H2 compares each row it deletes with
            // every value of a bound list (1,000 comparisons a row)
            return batch(handle.createUpdate("""
                            delete from alert
                            where received_at >= :from and received_at <= :last and id between :low and :high
                              and not exists (select 1 from run r where r.alert_id = alert.id)
                              and not exists (select 1 from incident_alert ia where ia.alert_id = alert.id)""")
                    .bind("from", timestamp(from)).bind("last", timestamp(rows.getLast().at()))
                    .bind("low", rows.stream().mapToLong(row -> (Long) row.id()).min().orElseThrow())
                    .bind("high", rows.stream().mapToLong(row -> (Long) row.id()).max().orElseThrow())
                    .execute(), rows);
        });
    }

    /**
     * Looks at the next {@code limit} incidents opened before {@code before}, from {@code from} on, and deletes those
     * whose last alert arrived (and that resolved, when they did) before {@code before} and that no stored run refers
     * to any more, with their alert links and group rows, in one short transaction. Their alerts are then pruned
     * like any other (retention runs this before {@link #deleteAlerts}).
     */
    public DeleteBatch deleteIncidents(Instant from, Instant before, int limit) {
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = next(handle, """
                    select id, opened_at as at from incident where opened_at >= :from and opened_at < :before
                    order by opened_at limit :limit""", from, before, limit, row -> row.getString("id"));
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            List<String> ids = handle.createQuery("""
                            select i.id from incident i
                            where i.id in (<ids>)
                              and coalesce(i.resolved_at, i.last_alert_at) < :before and i.last_alert_at < :before
                              and not exists (select 1 from run r where r.incident_id = i.id)""")
                    .bindList("ids", ids(rows)).bind("before", timestamp(before))
                    .mapTo(String.class).list();
            if (ids.isEmpty()) {
                return batch(0, rows);
            }
            handle.createUpdate("delete from incident_alert where incident_id in (<ids>)").bindList("ids", ids).execute();
            handle.createUpdate("delete from incident_group where incident_id in (<ids>)").bindList("ids", ids).execute();
            return batch(handle.createUpdate("delete from incident where id in (<ids>)")
                    .bindList("ids", ids).execute(), rows);
        });
    }

    /**
     * Deletes the next batch of bulk alert rows (each holds one group commit's alerts: one to thousands) whose last
     * alert arrived before {@code before}, from {@code from} on (the {@code alert_chunk (last_received)} index): up
     * to {@code limit} rows, and no more once they hold {@value #BULK_ALERTS_PER_ROW_LIMIT} times {@code limit}
     * alerts (at least one row). A row costs its delete and its stored alerts, so a batch of a storm's large rows
     * stays short, and a trickle's one-alert rows go a full batch at a time. Its {@link DeleteBatch#deleted()}
     * counts the alerts the rows held.
     */
    public DeleteBatch deleteAlertChunks(Instant from, Instant before, int limit) {
        long mostAlerts = (long) BULK_ALERTS_PER_ROW_LIMIT * limit;
        return jdbi.inTransaction(handle -> {
            List<KeyedRow> rows = new java.util.ArrayList<>();
            long alerts = 0;
            try (var found = handle.createQuery("""
                            select first_id, alert_count, last_received from alert_chunk
                            where last_received >= :from and last_received < :before
                            order by last_received limit :limit""")
                    .bind("from", timestamp(from)).bind("before", timestamp(before)).bind("limit", limit)
                    .setFetchSize(Math.min(limit, 100))
                    .map((row, context) -> Map.entry(new KeyedRow(row.getLong("first_id"),
                            instant(row.getTimestamp("last_received"))), row.getInt("alert_count")))
                    .iterator()) {
                while (alerts < mostAlerts && found.hasNext()) {
                    Map.Entry<KeyedRow, Integer> row = found.next();
                    rows.add(row.getKey());
                    alerts += row.getValue();
                }
            }
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            handle.createUpdate("delete from alert_chunk where first_id in (<ids>)").bindList("ids", ids(rows)).execute();
            return batch((int) Math.min(Integer.MAX_VALUE, alerts), rows);
        });
    }

    /** A batch of bulk rows stops when they hold this many times {@code retention.batchSize} alerts. */
    static final int BULK_ALERTS_PER_ROW_LIMIT = 10;

    /** One row a batch looked at: its key, and the indexed time the batches walk. */
    private record KeyedRow(Object id, Instant at) {
    }

    /** The next rows of a batch: {@code sql} selects {@code at} (and the key) with :from, :before and :limit. */
    private static List<KeyedRow> next(Handle handle, String sql, Instant from, Instant before, int limit,
                                       RowKey key) {
        return handle.createQuery(sql)
                .bind("from", timestamp(from)).bind("before", timestamp(before)).bind("limit", limit)
                .map((row, context) -> new KeyedRow(key.of(row), instant(row.getTimestamp("at"))))
                .list();
    }

    /** Reads a row's key. */
    @FunctionalInterface
    private interface RowKey {
        Object of(java.sql.ResultSet row) throws java.sql.SQLException;
    }

    private static DeleteBatch batch(int deleted, List<KeyedRow> rows) {
        return new DeleteBatch(deleted, rows.size(), rows.getLast().at());
    }

    private static List<Object> ids(List<KeyedRow> rows) {
        return rows.stream().map(KeyedRow::id).toList();
    }
}
