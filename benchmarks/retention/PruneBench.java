import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.retention.RetentionJob;
import dev.quench.core.retention.RetentionSettings;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * Retention on a large embedded H2 store: fills it with old alert rows, bulk alert rows and finished runs
 * (one step each), then prunes it with the default settings while a writer stores one alert every 5 ms,
 * and prints the pass's duration, rows deleted, and the writer's store latency before and during pruning.
 * Args: [alert rows, default 500000] [bulk alerts, default 2000000] [runs, default 100000] [batchSize] [pause ms].
 * Bounded: the fill is that many rows; the pass ends when nothing older than the cutoff is left.
 */
public class PruneBench {

    public static void main(String[] args) throws Exception {
        int alertRows = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int bulkAlerts = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : RetentionSettings.DEFAULTS.batchSize();
        long pauseMillis = args.length > 4 ? Long.parseLong(args[4]) : RetentionSettings.DEFAULTS.pause().toMillis();
        Path directory = Files.createTempDirectory("quench-prune");
        Instant now = Instant.now();
        try (Store store = Store.open("jdbc:h2:file:" + directory.resolve("quench"), "sa", "")) {
            long fillStart = System.nanoTime();
            fillAlerts(store, alertRows, false, now);
            fillAlerts(store, bulkAlerts, true, now);
            fillRuns(store, runs, now);
            System.out.printf("RESULT fill alert_rows=%d bulk_alerts=%d runs=%d seconds=%.1f%n", alertRows, bulkAlerts,
                    runs, (System.nanoTime() - fillStart) / 1e9);
            long totalBefore = new ToilLedger(store, 30).report(Instant.EPOCH, ToilGrouping.WEEK).totalMinutesSaved();

            long[] idle = writeFor(store, Duration.ofSeconds(10), null);
            print("before pruning", idle);

            RetentionSettings settings = new RetentionSettings(true, Duration.ofDays(30), Duration.ofDays(400),
                    Duration.ofDays(400), batchSize, Duration.ofMillis(pauseMillis), Duration.ofHours(1));
            RetentionJob job = RetentionJob.manual(store, settings, Clock.systemUTC(), "bench");
            AtomicBoolean pruning = new AtomicBoolean(true);
            long[][] during = new long[1][];
            Thread writer = Thread.ofPlatform().start(() -> during[0] = writeFor(store, Duration.ofHours(1), pruning));
            long start = System.nanoTime();
            Map<String, Long> pruned = job.prune();
            double seconds = (System.nanoTime() - start) / 1e9;
            pruning.set(false);
            writer.join();
            long totalAfter = new ToilLedger(store, 30).report(Instant.EPOCH, ToilGrouping.WEEK).totalMinutesSaved();
            System.out.printf("RESULT prune batch=%d pause_ms=%d seconds=%.1f deleted=%s toil_minutes_before=%d after=%d%n",
                    batchSize, pauseMillis, seconds, pruned, totalBefore, totalAfter);
            print("during pruning", during[0]);
        } finally {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** Old alerts, 90..31 days old, in deliveries of 1,000 (rows, or bulk rows). */
    private static void fillAlerts(Store store, int count, boolean bulk, Instant now) {
        for (int first = 0; first < count; first += 1000) {
            Instant receivedAt = now.minus(Duration.ofDays(31)).minusSeconds((long) first * 5_184_000L / Math.max(1, count));
            List<Alert> alerts = new ArrayList<>(1000);
            for (int index = first; index < Math.min(count, first + 1000); index++) {
                alerts.add(new Alert("alertmanager", (bulk ? "b" : "r") + index, AlertStatus.FIRING,
                        Map.of("alertname", "DiskSpaceLow" + index % 20, "instance", "web-" + index % 5000 + ":9100",
                                "severity", "critical", "team", "storage"),
                        Map.of("summary", "Disk /var is 97% full"), receivedAt, null, ""));
            }
            store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, alerts, receivedAt)),
                    alert -> bulk);
        }
    }

    /** Finished runs, 760..401 days old, one step each, written in batches straight into the tables. */
    private static void fillRuns(Store store, int count, Instant now) throws Exception {
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement run = connection.prepareStatement("""
                    insert into run (id, runbook, owner, trigger_type, trigger_detail, status, dry_run, params,
                                     manual_minutes, toil_saved_minutes, message, created_at, started_at, finished_at)
                    values (?, ?, ?, 'alert', 'bench', ?, false, '{}', 20, ?, '', ?, ?, ?)""");
                 PreparedStatement step = connection.prepareStatement("""
                    insert into run_step (run_id, seq, step_id, uses, status, rendered, exit_code, stdout, stderr,
                                          message, started_at, finished_at)
                    values (?, 1, 'clean', 'shell.exec', 'succeeded', '{"command":"true"}', 0, '', '', '', ?, ?)""")) {
                for (int index = 0; index < count; index++) {
                    Timestamp at = Timestamp.from(now.minus(Duration.ofDays(401)).minusSeconds(index * 31_104_000L / count));
                    boolean succeeded = index % 10 != 0;
                    String id = "bench-" + index;
                    run.setString(1, id);
                    run.setString(2, "runbook-" + index % 50);
                    run.setString(3, "team-" + index % 5);
                    run.setString(4, succeeded ? "succeeded" : "failed");
                    run.setInt(5, succeeded ? 20 : 0);
                    run.setTimestamp(6, at);
                    run.setTimestamp(7, at);
                    run.setTimestamp(8, at);
                    run.addBatch();
                    step.setString(1, id);
                    step.setTimestamp(2, at);
                    step.setTimestamp(3, at);
                    step.addBatch();
                    if (index % 1000 == 999) {
                        run.executeBatch();
                        step.executeBatch();
                        connection.commit();
                    }
                }
                run.executeBatch();
                step.executeBatch();
                connection.commit();
            }
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
