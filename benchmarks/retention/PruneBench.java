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
 * <p>The fill: {@code runs} finished runs (401..760 days old, one step each, every tenth failed, every 20th with
 * an approval), each with the alert row that started it (as old as the run); {@code alert rows} more alert rows
 * (31..90 days old, processed, half of them matched no runbook: manual toil); {@code bulk alerts} unmatched
 * alerts stored in bulk rows of {@code chunk} alerts each (31..90 days old). Rows go in with batched inserts,
 * bulk alerts through the store's own {@code recordDeliveries}.
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
            long nextId = fillRunsWithTheirAlerts(store, runs, now);
            nextId = fillAlertRows(store, alertRows, nextId, now);
            fillBulk(store, bulkAlerts, chunk, now);
            System.out.printf("RESULT fill alert_rows=%d bulk_alerts=%d chunk=%d runs=%d seconds=%.1f%n",
                    alertRows + runs, bulkAlerts, chunk, runs, (System.nanoTime() - fillStart) / 1e9);
            String ledgerBefore = ledger(store);

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
        ToilReport report = new ToilLedger(store, 30).report(Instant.EPOCH, ToilGrouping.WEEK);
        long runs = report.rows().stream().mapToLong(ToilReport.Row::runs).sum();
        long manual = report.manualAlerts().stream().mapToLong(ToilReport.ManualAlert::count).sum();
        return "minutes_saved=" + report.totalMinutesSaved() + " runs=" + runs + " manual_alerts=" + manual;
    }

    /**
     * Finished runs 760..401 days old, one step each, every 20th approved by a person; each started by an alert row
     * received when it was created. Returns the next free alert id.
     */
    private static long fillRunsWithTheirAlerts(Store store, int count, Instant now) throws Exception {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement alert = connection.prepareStatement(ALERT_INSERT);
                 PreparedStatement run = connection.prepareStatement("""
                    insert into run (id, runbook, owner, trigger_type, trigger_detail, alert_id, status, dry_run, params,
                                     manual_minutes, toil_saved_minutes, message, created_at, started_at, finished_at)
                    values (?, ?, ?, 'alert', 'bench', ?, ?, false, '{}', 20, ?, '', ?, ?, ?)""");
                 PreparedStatement step = connection.prepareStatement("""
                    insert into run_step (run_id, seq, step_id, uses, status, rendered, exit_code, stdout, stderr,
                                          message, started_at, finished_at)
                    values (?, 1, 'clean', 'shell.exec', 'succeeded', '{"command":"true"}', 0, '', '', '', ?, ?)""");
                 PreparedStatement decision = connection.prepareStatement("""
                    insert into run_decision (run_id, action, actor, reason, decided_at)
                    values (?, 'approve', 'alice', '', ?)""")) {
                for (int index = 0; index < count; index++) {
                    Timestamp at = Timestamp.from(now.minus(Duration.ofDays(401)).minusSeconds(index * 31_104_000L / count));
                    long alertId = index + 1;
                    addAlert(alert, alertId, "RunAlert" + index % 20, "run" + index, at, true, 1);
                    boolean succeeded = index % 10 != 0;
                    String id = "bench-" + index;
                    run.setString(1, id);
                    run.setString(2, "runbook-" + index % 50);
                    run.setString(3, "team-" + index % 5);
                    run.setLong(4, alertId);
                    run.setString(5, succeeded ? "succeeded" : "failed");
                    run.setInt(6, succeeded ? 20 : 0);
                    run.setTimestamp(7, at);
                    run.setTimestamp(8, at);
                    run.setTimestamp(9, at);
                    run.addBatch();
                    step.setString(1, id);
                    step.setTimestamp(2, at);
                    step.setTimestamp(3, at);
                    step.addBatch();
                    if (index % 20 == 7) {
                        decision.setString(1, id);
                        decision.setTimestamp(2, at);
                        decision.addBatch();
                    }
                    if (index % 1000 == 999 || index == count - 1) {
                        alert.executeBatch();
                        run.executeBatch();
                        step.executeBatch();
                        decision.executeBatch();
                        connection.commit();
                    }
                }
            }
        }
        return count + 1L;
    }

    private static final String ALERT_INSERT = """
            insert into alert (id, source, fingerprint, status, alertname, labels, annotations, starts_at, dedupe_key,
                               received_at, processed, matched_runbooks)
            values (?, 'alertmanager', ?, ?, ?, ?, '{"summary":"Disk /var is 97% full"}', ?, ?, ?, true, ?)""";

    private static void addAlert(PreparedStatement alert, long id, String name, String fingerprint, Timestamp at,
                                 boolean firing, int matched) throws Exception {
        alert.setLong(1, id);
        alert.setString(2, fingerprint);
        alert.setString(3, firing ? "firing" : "resolved");
        alert.setString(4, name);
        alert.setString(5, "{\"alertname\":\"" + name + "\",\"instance\":\"web-" + id % 5000
                + ":9100\",\"severity\":\"critical\",\"team\":\"storage\"}");
        alert.setTimestamp(6, at);
        alert.setString(7, "alertmanager|" + fingerprint + "|" + (firing ? "firing" : "resolved") + "|" + at.getTime());
        alert.setTimestamp(8, at);
        alert.setInt(9, matched);
        alert.addBatch();
    }

    /** Alert rows 90..31 days old, processed; every other one matched no runbook. Returns the next free id. */
    private static long fillAlertRows(Store store, int count, long firstId, Instant now) throws Exception {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement alert = connection.prepareStatement(ALERT_INSERT)) {
                for (int index = 0; index < count; index++) {
                    Timestamp at = Timestamp.from(now.minus(Duration.ofDays(31))
                            .minusSeconds(index * 5_184_000L / Math.max(1, count)));
                    addAlert(alert, firstId + index, "DiskSpaceLow" + index % 20, "r" + index, at, index % 3 != 2,
                            index % 2);
                    if (index % 1000 == 999 || index == count - 1) {
                        alert.executeBatch();
                        connection.commit();
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("update alert_id set next_id = " + (firstId + count));
            }
            connection.commit();
        }
        return firstId + count;
    }

    /** Unmatched firing alerts 90..31 days old, stored in bulk rows of {@code chunk} alerts each. */
    private static void fillBulk(Store store, int count, int chunk, Instant now) {
        for (int first = 0; first < count; first += chunk) {
            Instant receivedAt = now.minus(Duration.ofDays(31)).minusSeconds((long) first * 5_184_000L / Math.max(1, count));
            List<Alert> alerts = new ArrayList<>(chunk);
            for (int index = first; index < Math.min(count, first + chunk); index++) {
                alerts.add(new Alert("alertmanager", "b" + index, AlertStatus.FIRING,
                        Map.of("alertname", "DiskSpaceLow" + index % 20, "instance", "web-" + index % 5000 + ":9100",
                                "severity", "critical", "team", "storage"),
                        Map.of("summary", "Disk /var is 97% full"), receivedAt, null, ""));
            }
            store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, alerts, receivedAt)),
                    alert -> true);
        }
    }

    /** Stores one new alert every 5 ms until {@code running} turns false (or for {@code length}); nanos each. */
    private static long[] writeFor(Store store, Duration length, AtomicBoolean running) {
        List<Long> latencies = new ArrayList<>();
        long end = System.nanoTime() + length.toNanos();
        int sequence = 0;
        while (System.nanoTime() < end && (running == null || running.get())) {
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
        }
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
