package dev.quench.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real {@code prometheus} (2.42) on a free loopback port with a temporary data directory,
 * scraping one Quench with a bearer token every second and loading Quench's alert rules. Stopped by its
 * process (SIGTERM, then SIGKILL) on close.
 */
final class PrometheusProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
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
        int port = freePort();
        Path log = directory.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port))
                .directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, port, log);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!prometheus.ready()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                prometheus.close();
                throw new AssertionError("prometheus did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return prometheus;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private boolean ready() {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /api/v1/PATH} of Prometheus's HTTP API, answered as JSON (errors too: status "error"). */
    JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/" + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return Json.json().readTree(response.body());
    }

    /** An instant query through the HTTP API. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
