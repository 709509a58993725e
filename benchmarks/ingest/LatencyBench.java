import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Alert-to-first-step latency at a steady alert rate (goal: p99 under 50 ms at 100 alerts/s).
 * {@code send PORT TOKEN RATE SECONDS [WARMUP_SECONDS]}: posts RATE single-alert Alertmanager notifications per
 * second for SECONDS seconds (bounded: RATE x SECONDS requests), each a new alert, and prints the
 * 202 response times. {@code report JDBC_URL}: after the engine stopped, reads the recorded
 * timestamps from its store — when each alert was received and when its run's first step started —
 * and prints p50/p99/max of the difference.
 * Run: java -cp CLASSPATH LatencyBench.java send|report ...
 */
public final class LatencyBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "send" -> {
                int port = Integer.parseInt(args[1]);
                int rate = Integer.parseInt(args[3]);
                int warmUpSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 0;
                // The warm-up runs in this same JVM, right before the measured alerts: a sender JVM starting
                // (compiling this file) while the measured alerts flow would take the server's CPU.
                if (warmUpSeconds > 0) {
                    send(port, args[2], rate, warmUpSeconds, true);
                }
                send(port, args[2], rate, Integer.parseInt(args[4]), false);
            }
            case "report" -> report(args[1]);
            default -> throw new IllegalArgumentException("usage: send PORT TOKEN RATE SECONDS [WARMUP_SECONDS] | report JDBC_URL");
        }
    }

    private static void send(int port, String token, int rate, int seconds, boolean warmUp) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + port + "/hooks/alertmanager");
        // Warm-up alerts are marked so the report leaves them out.
        String run = (warmUp ? "warmup-" : "") + System.currentTimeMillis();
        int total = rate * seconds;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        List<CompletableFuture<Long>> answers = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int index = 0; index < total; index++) {
            long due = start + index * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String body = """
                    {"version":"4","status":"firing","receiver":"quench","alerts":[{"status":"firing",
                     "labels":{"alertname":"LatencyProbe","instance":"web-%1$d:9100","severity":"critical"},
                     "annotations":{"summary":"latency probe"},"startsAt":"2026-11-22T10:00:00Z",
                     "fingerprint":"%2$s-%1$d"}]}""".formatted(index, run);
            long sent = System.nanoTime();
            answers.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .thenApply(response -> response.statusCode() == 202 ? System.nanoTime() - sent : -1L));
        }
        List<Double> millis = new ArrayList<>();
        int failed = 0;
        for (CompletableFuture<Long> answer : answers) {
            long nanos = answer.get(60, TimeUnit.SECONDS);
            if (nanos < 0) {
                failed++;
            } else {
                millis.add(nanos / 1e6);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (warmUp) {
            return;
        }
        System.out.printf("sent %d alerts in %.1f s (%.0f alerts/s), %d not answered 202; 202 response time %s%n",
                total, elapsed, total / elapsed, failed, percentiles(millis));
    }

    private static void report(String jdbcUrl) throws Exception {
        List<Double> millis = new ArrayList<>();
        // Where in the run the slow alerts were: second since the first measured alert -> worst latency.
        java.util.TreeMap<Long, Double> worstBySecond = new java.util.TreeMap<>();
        java.util.TreeMap<Long, Integer> slowBySecond = new java.util.TreeMap<>();
        java.time.OffsetDateTime first = null;
        int withoutRun = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "sa", "");
             ResultSet rows = connection.createStatement().executeQuery("""
                     select a.received_at, (select min(s.started_at) from run r join run_step s on s.run_id = r.id
                                            where r.alert_id = a.id) first_step
                     from alert a where a.alertname = 'LatencyProbe' and a.fingerprint not like 'warmup-%'
                     order by a.received_at""")) {
            while (rows.next()) {
                var received = rows.getObject(1, java.time.OffsetDateTime.class);
                var firstStep = rows.getObject(2, java.time.OffsetDateTime.class);
                if (firstStep == null) {
                    withoutRun++;
                } else {
                    double latency = Duration.between(received, firstStep).toNanos() / 1e6;
                    millis.add(latency);
                    first = first == null ? received : first;
                    long second = Duration.between(first, received).toSeconds();
                    worstBySecond.merge(second, latency, Math::max);
                    if (latency > 50) {
                        slowBySecond.merge(second, 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("alert received -> first step started (recorded timestamps, %d runs, %d alerts without a "
                + "started step): %s%n", millis.size(), withoutRun, percentiles(millis));
        // The tail, located: a stall at one moment reads differently from a slow steady state.
        String worst = worstBySecond.entrySet().stream()
                .sorted(java.util.Map.Entry.<Long, Double>comparingByValue().reversed()).limit(3)
                .map(entry -> String.format("+%ds: max %.0f ms, %d over 50 ms", entry.getKey(), entry.getValue(),
                        slowBySecond.getOrDefault(entry.getKey(), 0)))
                .collect(java.util.stream.Collectors.joining("; "));
        System.out.printf("slowest seconds of the measured run: %s; seconds with an alert over 50 ms: %d of %d%n",
                worst, slowBySecond.size(), worstBySecond.size());
    }

    private static String percentiles(List<Double> millis) {
        if (millis.isEmpty()) {
            return "no samples";
        }
        Collections.sort(millis);
        return String.format("p50=%.1f ms p99=%.1f ms max=%.1f ms", at(millis, 0.50), at(millis, 0.99),
                millis.get(millis.size() - 1));
    }

    private static double at(List<Double> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }
}
