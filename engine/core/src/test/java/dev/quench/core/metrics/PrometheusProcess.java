package dev.quench.core.metrics;

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
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real {@code prometheus} (2.42) on a free loopback port with a temporary data directory,
 * scraping one Quench with a bearer token every second and loading Quench's alert rules. Stopped by its
 * process (SIGTERM, then SIGKILL) on close.
 */
final class PrometheusProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final PeerProcess peer;

    private PrometheusProcess(PeerProcess peer) {
        this.peer = peer;
    }

    /** Skips the calling test when Prometheus is missing; under {@code CI=true} fails it instead. */
    static void require() {
        boolean present = Files.isExecutable(BINARY);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(present, "CI must install Debian's prometheus package (.ci/run does)");
        }
        Assumptions.assumeTrue(present, "install Debian's prometheus package to run this test");
    }

    /**
     * Starts Prometheus scraping {@code target} (host:port) as job {@code quench} with the token in
     * {@code tokenFile}, with {@code rules} loaded; returns once it answers {@code /-/ready}.
     */
    static PrometheusProcess start(Path directory, String target, Path tokenFile, Path rules) throws Exception {
        Files.createDirectories(directory);
        Files.copy(rules, directory.resolve("quench-rules.yml"));
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [quench-rules.yml]
                scrape_configs:
                  - job_name: quench
                    authorization:
                      credentials_file: '%s'
                    static_configs:
                      - targets: ['%s']
                """.formatted(tokenFile.toAbsolutePath(), target));
        int port = PeerProcess.freePort();
        return new PrometheusProcess(PeerProcess.start("prometheus", List.of(BINARY.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                        "--web.listen-address=127.0.0.1:" + port),
                directory, directory.resolve("prometheus.log"), port, Duration.ofSeconds(60)));
    }

    /** {@code GET /api/v1/PATH} of Prometheus's HTTP API, answered as JSON (errors too: status "error"). */
    JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = peer.client().send(HttpRequest.newBuilder(
                        URI.create(peer.url() + "/api/v1/" + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return Json.json().readTree(response.body());
    }

    /** An instant query through the HTTP API. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    String log() {
        return peer.log();
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
    }
}
