package dev.quench.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import dev.quench.testkit.PeerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real Prometheus (2.42) on a loopback port, scraping one target every second and evaluating its rule
 * files every second, optionally sending its alerts to an Alertmanager. Stopped on close by its process handle.
 * Not thread-safe.
 */
final class PrometheusProcess implements AutoCloseable {

    /** Where Debian's {@code prometheus} package installs it. */
    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final PeerProcess peer;

    private PrometheusProcess(PeerProcess peer) {
        this.peer = peer;
    }

    /** Fails under {@code CI=true} when Prometheus is not installed, else skips the test. */
    static void requireInstalled() {
        boolean present = Files.isExecutable(BINARY);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(present, "CI must install Debian's prometheus package (.ci/run does)");
        }
        Assumptions.assumeTrue(present, "install Debian's prometheus package to run this test");
    }

    /** Prometheus scraping {@code target} ({@code host:port}) every second; returns once it is ready. */
    static PrometheusProcess start(Path directory, String target) throws IOException, InterruptedException {
        return start(directory, target, List.of(), null);
    }

    /**
     * Prometheus scraping {@code target} every second, evaluating {@code ruleFiles} every second and sending
     * their alerts to the Alertmanager at {@code alertmanager} ({@code host:port}, or null for none).
     */
    static PrometheusProcess start(Path directory, String target, List<Path> ruleFiles, String alertmanager)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        List<String> config = new ArrayList<>(List.of(
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s"));
        if (!ruleFiles.isEmpty()) {
            config.add("rule_files:");
            ruleFiles.forEach(file -> config.add("  - '" + file.toAbsolutePath() + "'"));
        }
        if (alertmanager != null) {
            config.addAll(List.of(
                    "alerting:",
                    "  alertmanagers:",
                    "    - static_configs:",
                    "        - targets: ['" + alertmanager + "']"));
        }
        config.addAll(List.of(
                "scrape_configs:",
                "  - job_name: app",
                "    static_configs:",
                "      - targets: ['" + target + "']"));
        Path file = Files.write(directory.resolve("prometheus.yml"), config);
        int port = PeerProcess.freePort();
        return new PrometheusProcess(PeerProcess.start("prometheus", List.of(BINARY.toString(),
                        "--config.file=" + file,
                        "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                        "--web.listen-address=127.0.0.1:" + port),
                directory, directory.resolve("prometheus.log"), port, Duration.ofSeconds(60)));
    }

    /** {@code http://127.0.0.1:PORT}: the {@code prometheus.url} of quench.yaml. */
    String url() {
        return peer.url();
    }

    /** The series an instant query answers now ({@code data.result}). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> answer = peer.client().send(HttpRequest.newBuilder(URI.create(url()
                        + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("Prometheus answered " + answer.statusCode() + " to " + promql + ": "
                    + answer.body());
        }
        return Json.json().readTree(answer.body()).path("data").path("result");
    }

    /**
     * Asks {@code promql} every 200 ms until its one series' value (as Prometheus prints it) is {@code wanted};
     * returns that value.
     *
     * @throws AssertionError with the last answer and Prometheus's log when it is not within {@code within}
     */
    String awaitValue(String promql, Predicate<String> wanted, Duration within)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(within);
        String seen = "no series";
        while (Instant.now().isBefore(deadline)) {
            JsonNode result = query(promql);
            seen = result.size() == 1 ? result.get(0).path("value").get(1).asText() : result.size() + " series";
            if (result.size() == 1 && wanted.test(seen)) {
                return seen;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus did not answer the wanted value of " + promql + " within " + within
                + " (last: " + seen + "); its log:\n" + log());
    }

    /** Prometheus's own log, for failure messages. */
    String log() {
        return peer.log();
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
    }
}
