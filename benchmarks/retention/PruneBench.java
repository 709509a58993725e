import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.retention.RetentionJob;
import dev.quench.core.retention.RetentionSettings;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Retention on a large store: fills it, then prunes it in one pass while a writer stores one alert every 5 ms
 * through the store's group-commit path ({@code recordDeliveries}, the call behind every 202), and prints the
 * pass's duration, rows deleted, the toil ledger's totals before and after, and the writer's store latency
 * before and during pruning.
 *
 * <p>The fill, set-based (an {@code INSERT … SELECT} over a generated series per 100,000 rows, so ten million
 * alerts fill in minutes, not hours): {@code runs} finished runs (401..760 days old, one step each, every tenth
 * failed, every 20th with an approval), each with the alert row that started it (as old as the run);
 * {@code alert rows} more alert rows (31..90 days old, processed, half of them matched no runbook: manual toil);
 * {@code bulk alerts} unmatched alerts in bulk rows of {@code chunk} alerts each (31..90 days old): the newest
 * stored through the store's own {@code recordDeliveries}, the others copies of its payload with their own ids
 * and times.
 *
 * <p>Args: [alert rows, default 500000] [bulk alerts, default 2000000] [runs, default 100000] [batchSize]
 * [pause ms] [chunk, default 1000]. The store is an embedded H2 in a temporary directory, or the empty database
 * at {@code STORE_URL} ({@code STORE_USER}, {@code STORE_PASSWORD}). Bounded: the fill is that many rows; the
 * pass ends when nothing older than the cutoff is left, or after an hour.
 */
public class PruneBench {

    public static void main(String[] args) throws Exception {
        int alertRows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int bulkAlerts = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : RetentionSettings.DEFAULTS.batchSize();
        long pauseMillis = args.length > 4 ? Long.parseLong(args[4]) : RetentionSettings.DEFAULTS.pause().toMillis();
        int chunk = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
        String url = System.getenv("STORE_URL");
        Path directory = url == null ? Files.createTempDirectory("quench-prune") : null;
        Instant now = Instant.now();
        try (Store store = url == null ? Store.open("jdbc:h2:file:" + directory.resolve("quench"), "sa", "")
                : Store.open(url, env("STORE_USER", "postgres"), env("STORE_PASSWORD", ""))) {
            System.out.printf("RESULT store %s%n", url == null ? "h2 (embedded, " + directory + ")" : url);
            long fillStart = System.nanoTime();
            fill(store, url != null && url.startsWith("jdbc:postgresql:"), alertRows, bulkAlerts, runs, chunk, now);
            System.out.printf("RESULT fill alert_rows=%d bulk_alerts=%d chunk=%d runs=%d seconds=%.1f%n",
                    alertRows + runs, bulkAlerts, chunk, runs, (System.nanoTime() - fillStart) / 1e9);
            String ledgerBefore = ledger(store);
            System.out.printf("RESULT ledger read (all time, by week) %s%n", ledgerBefore);
            if ("1".equals(System.getenv("LEDGER_ONLY"))) {
                return; // the toil report's cost on a store not pruned yet, without the pass
            }

            // the first write reads the re-delivery window's key hashes of every recent bulk row (as an engine does
            // at start): seconds at this size, not a write's latency
            long warmUp = System.nanoTime();
            writeFor(store, Duration.ZERO, null);
            System.out.printf("RESULT first_write (reads the re-delivery window) seconds=%.1f%n",
                    (System.nanoTime() - warmUp) / 1e9);
            long[] idle = writeFor(store, Duration.ofSeconds(20), null);
            print("before pruning", idle);

            RetentionSettings settings = new RetentionSettings(true, Duration.ofDays(30), Duration.ofDays(400),
                    Duration.ofDays(400), batchSize, Duration.ofMillis(pauseMillis), Duration.ofHours(1));
            RetentionJob job = RetentionJob.manual(store, settings, Clock.systemUTC(), "bench");
            AtomicBoolean pruning = new AtomicBoolean(true);
            long[][] during = new long[1][];
            Thread writer = Thread.ofPlatform().start(() -> during[0] = writeFor(store, Duration.ofHours(1), pruning));
            String loadBefore = load();
            long start = System.nanoTime();
            Map<String, Long> pruned = job.prune();
            double seconds = (System.nanoTime() - start) / 1e9;
            pruning.set(false);
            writer.join();
            long rows = pruned.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf("RESULT prune batch=%d pause_ms=%d seconds=%.1f deleted=%s rows_per_s=%.0f "
                    + "load_at_start=%s load_at_end=%s%n", batchSize, pauseMillis, seconds, pruned, rows / seconds,
                    loadBefore, load());
            System.out.printf("RESULT ledger before: %s%nRESULT ledger after:  %s%n", ledgerBefore, ledger(store));
            print("during pruning", during[0]);
        } finally {
            if (directory != null) {
                try (var files = Files.walk(directory)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                }
            }
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** The toil ledger's all-time figures, as {@code GET /api/v1/toil} reports them. */
    private static String ledger(Store store) {
        long start = System.nanoTime();
        ToilReport report = new ToilLedger(store, 30).report(Instant.EPOCH, ToilGrouping.WEEK);
        double seconds = (System.nanoTime() - start) / 1e9;
        long runs = report.rows().stream().mapToLong(ToilReport.Row::runs).sum();
        long manual = report.manualAlerts().stream().mapToLong(ToilReport.ManualAlert::count).sum();
        return "minutes_saved=" + report.totalMinutesSaved() + " runs=" + runs + " manual_alerts=" + manual
                + String.format(" read_in=%.2fs", seconds);
    }

    /** A run of the fill: how many rows each statement inserts (and commits). */
    private static final int FILL_STEP = 100_000;

    /**
     * Fills the store set-based: each statement inserts up to {@value #FILL_STEP} rows from a generated series
     * ({@code generate_series} on PostgreSQL, {@code SYSTEM_RANGE} on H2), committing after each. Prints each
     * part's time; on PostgreSQL ends with {@code ANALYZE}, as autovacuum would have on a store grown over months.
     */
    private static void fill(Store store, boolean postgres, int alertRows, int bulkAlerts, int runs, int chunk,
                             Instant now) throws Exception {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(true);
            Series series = new Series(connection, postgres);
            long start = System.nanoTime();
            // Finished runs 401..760 days old (index i: 401 days + i * 360 days / runs), each with the alert row
            // that started it (id i + 1, as old as the run), one step each, every tenth failed, every 20th approved.
            String runAt = "cast(? as timestamp with time zone) - interval '1' second * (g.x * " + 31_104_000.0 / Math.max(1, runs) + ")";
            series.insert(runs, """
                    insert into alert (id, source, fingerprint, status, alertname, labels, annotations, starts_at,
                                       dedupe_key, received_at, processed, matched_runbooks)
                    select g.x + 1, 'alertmanager', 'run' || g.x, 'firing', 'RunAlert' || mod(g.x, 20),
                           '{"alertname":"RunAlert' || mod(g.x, 20) || '","instance":"web-' || mod(g.x + 1, 5000)
                               || ':9100","severity":"critical","team":"storage"}',
                           '{"summary":"Disk /var is 97% full"}', AT, 'alertmanager|run' || g.x || '|firing|' || g.x,
                           AT, true, 1
                    from SERIES""".replace("AT", runAt), now.minus(Duration.ofDays(401)));
            series.insert(runs, """
                    insert into run (id, runbook, owner, trigger_type, trigger_detail, alert_id, status, dry_run, params,
                                     manual_minutes, toil_saved_minutes, message, created_at, started_at, finished_at)
                    select 'bench-' || g.x, 'runbook-' || mod(g.x, 50), 'team-' || mod(g.x, 5), 'alert', 'bench', g.x + 1,
                           case when mod(g.x, 10) = 0 then 'failed' else 'succeeded' end, false, '{}', 20,
                           case when mod(g.x, 10) = 0 then 0 else 20 end, '', AT, AT, AT
                    from SERIES""".replace("AT", runAt), now.minus(Duration.ofDays(401)));
            series.insert(runs, """
                    insert into run_step (run_id, seq, step_id, uses, status, rendered, exit_code, stdout, stderr,
                                          message, started_at, finished_at)
                    select 'bench-' || g.x, 1, 'clean', 'shell.exec', 'succeeded', '{"command":"true"}', 0, '', '', '',
                           AT, AT
                    from SERIES""".replace("AT", runAt), now.minus(Duration.ofDays(401)));
            series.insert(runs, """
                    insert into run_decision (run_id, action, actor, reason, decided_at)
                    select 'bench-' || g.x, 'approve', 'alice', '', AT from SERIES where mod(g.x, 20) = 7"""
                    .replace("AT", runAt), now.minus(Duration.ofDays(401)));
            System.out.printf("RESULT fill_part runs=%d seconds=%.1f%n", runs, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            // More alert rows 31..90 days old, processed; every other one matched no runbook, a third resolved.
            long firstId = runs + 1L;
            String alertAt = "cast(? as timestamp with time zone) - interval '1' second * (g.x * "
                    + 5_184_000.0 / Math.max(1, alertRows) + ")";
            series.insert(alertRows, """
                    insert into alert (id, source, fingerprint, status, alertname, labels, annotations, starts_at,
                                       dedupe_key, received_at, processed, matched_runbooks)
                    select g.x + FIRST, 'alertmanager', 'r' || g.x, case when mod(g.x, 3) = 2 then 'resolved' else 'firing' end,
                           'DiskSpaceLow' || mod(g.x, 20),
                           '{"alertname":"DiskSpaceLow' || mod(g.x, 20) || '","instance":"web-' || mod(g.x + FIRST, 5000)
                               || ':9100","severity":"critical","team":"storage"}',
                           '{"summary":"Disk /var is 97% full"}', AT,
                           'alertmanager|r' || g.x || case when mod(g.x, 3) = 2 then '|resolved|' else '|firing|' end || g.x,
                           AT, true, mod(g.x, 2)
                    from SERIES""".replace("AT", alertAt).replace("FIRST", Long.toString(firstId)),
                    now.minus(Duration.ofDays(31)));
            long nextId = firstId + alertRows;
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("update alert_id set next_id = " + nextId);
            }
            System.out.printf("RESULT fill_part alert_rows=%d seconds=%.1f%n", alertRows, (System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            // Unmatched firing alerts 31..90 days old in bulk rows of chunk alerts: the newest row stored through the
            // store's own recordDeliveries (its names, key hashes and encoded alerts are what ingest writes), the
            // others copies of it with their own ids and times.
            int bulkRows = (bulkAlerts + chunk - 1) / chunk;
            if (bulkRows > 0) {
                Instant newest = now.minus(Duration.ofDays(31));
                List<Alert> alerts = new ArrayList<>(chunk);
                for (int index = 0; index < chunk; index++) {
                    alerts.add(new Alert("alertmanager", "b" + index, AlertStatus.FIRING,
                            Map.of("alertname", "DiskSpaceLow" + index % 20, "instance", "web-" + index % 5000 + ":9100",
                                    "severity", "critical", "team", "storage"),
                            Map.of("summary", "Disk /var is 97% full"), newest, null, ""));
                }
                store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, alerts, newest)),
                        alert -> true);
                String chunkAt = "cast(? as timestamp with time zone) - interval '1' second * (g.x * "
                        + 5_184_000.0 / bulkRows + ")";
                series.insert(bulkRows - 1, """
                        insert into alert_chunk (first_id, alert_count, first_received, last_received, sources, names,
                                                 key_hashes, alerts)
                        select t.first_id + (g.x + 1) * t.alert_count, t.alert_count, AT, AT, t.sources, t.names,
                               t.key_hashes, t.alerts
                        from alert_chunk t, SERIES where t.first_id = FIRST""".replace("AT", chunkAt)
                        .replace("FIRST", Long.toString(nextId)), newest.minusSeconds(5_184_000L / bulkRows));
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("update alert_id set next_id = " + (nextId + (long) bulkRows * chunk));
                }
            }
            System.out.printf("RESULT fill_part bulk_alerts=%d bulk_rows=%d seconds=%.1f%n", (long) bulkRows * chunk,
                    bulkRows, (System.nanoTime() - start) / 1e9);
            if (postgres) {
                start = System.nanoTime();
                try (Statement statement = connection.createStatement()) {
                    statement.execute("analyze");
                }
                System.out.printf("RESULT fill_part analyze seconds=%.1f%n", (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /** Runs an insert over a generated series 0..count-1, {@value #FILL_STEP} rows a statement. */
    private record Series(Connection connection, boolean postgres) {
        void insert(long count, String sql, Instant at) throws Exception {
            for (long from = 0; from < count; from += FILL_STEP) {
                long to = Math.min(count, from + FILL_STEP) - 1;
                String range = postgres ? "generate_series(" + from + ", " + to + ") as g(x)"
                        : "system_range(" + from + ", " + to + ") g";
                String statement = sql.replace("SERIES", range);
                try (PreparedStatement insert = connection.prepareStatement(statement)) {
                    int parameters = statement.split("\\?", -1).length - 1;
                    for (int index = 1; index <= parameters; index++) {
                        insert.setTimestamp(index, Timestamp.from(at));
                    }
                    insert.executeUpdate();
                }
            }
        }
    }

    /** Stores one new alert every 5 ms until {@code running} turns false (or for {@code length}; at least one); nanos each. */
    private static long[] writeFor(Store store, Duration length, AtomicBoolean running) {
        List<Long> latencies = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        int sequence = 0;
        do {
            Instant at = Instant.now();
            Alert alert = new Alert("alertmanager", "live-" + System.nanoTime() + "-" + sequence++, AlertStatus.FIRING,
                    Map.of("alertname", "Live"), Map.of(), at, null, "");
            long start = System.nanoTime();
            store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, List.of(alert), at)),
                    ignored -> false);
            latencies.add(System.nanoTime() - start);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < end && (running == null || running.get()));
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static String load() {
        try {
            return String.join(",", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static void print(String when, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT store_latency %s writes=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", when.replace(' ', '_'),
                sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] / 1e6;
    }
}
