package dev.quench.core.ingest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real {@code prometheus-alertmanager} on a loopback port, configured to send its
 * notifications to a Quench webhook, so tests see exactly what the real sender sends and how it
 * retries.
 */
final class AlertmanagerProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AlertmanagerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts Alertmanager with one route to {@code webhookUrl}, authenticating with the bearer token
     * in {@code tokenFile}; returns once it answers {@code /-/ready}.
     */
    static AlertmanagerProcess start(Path directory, String webhookUrl, Path tokenFile) throws Exception {
        Files.createDirectories(directory);
        Path config = directory.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: quench
                  group_by: ['alertname', 'instance']
                  group_wait: 100ms
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: quench
                    webhook_configs:
                      - url: '%s'
                        send_resolved: true
                        http_config:
                          authorization:
                            credentials_file: '%s'
                """.formatted(webhookUrl, tokenFile.toAbsolutePath()));
        int port = freePort();
        Path log = directory.resolve("alertmanager.log");
        Process process = new ProcessBuilder(List.of(BINARY.toString(),
                "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(directory.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=",
                "--log.level=debug"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AlertmanagerProcess alertmanager = new AlertmanagerProcess(process, port, log);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!alertmanager.ready()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                alertmanager.close();
                throw new AssertionError("alertmanager did not become ready:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return alertmanager;
    }

    static int freePort() throws IOException {
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

    /** Posts alerts the way Prometheus does ({@code POST /api/v2/alerts}, a JSON array). */
    void postAlerts(String jsonArray) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonArray)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("alertmanager refused the alerts: " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** Alertmanager's own log, for failure messages. */
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
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
