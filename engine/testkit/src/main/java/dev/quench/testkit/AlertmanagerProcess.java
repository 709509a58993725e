package dev.quench.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Debian's real {@code prometheus-alertmanager} on a loopback port, configured to send its
 * notifications to a Quench webhook, so tests see exactly what the real sender sends and how it
 * retries. Resolved alerts are sent too; a new group waits 100 ms and a changed one is sent again
 * after a second, so tests are quick. Stopped on close by its process handle. Not thread-safe.
 */
public final class AlertmanagerProcess implements AutoCloseable {

    /** Where Debian's {@code prometheus-alertmanager} package installs it. */
    public static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

    private final PeerProcess peer;

    private AlertmanagerProcess(PeerProcess peer) {
        this.peer = peer;
    }

    /** Whether the binary is installed. */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts Alertmanager with one route to {@code webhookUrl}, grouping by alertname and instance,
     * authenticating with the bearer token in {@code tokenFile}; returns once it answers {@code /-/ready}.
     */
    public static AlertmanagerProcess start(Path directory, String webhookUrl, Path tokenFile) throws Exception {
        return start(directory, webhookUrl, tokenFile, List.of("alertname", "instance"));
    }

    /** As {@link #start(Path, String, Path)}, grouping alerts by the labels {@code groupBy}. */
    public static AlertmanagerProcess start(Path directory, String webhookUrl, Path tokenFile, List<String> groupBy)
            throws Exception {
        Files.createDirectories(directory);
        Path config = directory.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: quench
                  group_by: [%s]
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
                """.formatted(groupBy.stream().map(label -> "'" + label + "'").collect(Collectors.joining(", ")),
                webhookUrl, tokenFile.toAbsolutePath()));
        int port = PeerProcess.freePort();
        return new AlertmanagerProcess(PeerProcess.start("alertmanager", List.of(BINARY.toString(),
                        "--config.file=" + config,
                        "--storage.path=" + Files.createDirectories(directory.resolve("data")),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address=",
                        "--log.level=debug"),
                directory, directory.resolve("alertmanager.log"), port, Duration.ofSeconds(30)));
    }

    /** {@code 127.0.0.1:PORT}: what Prometheus's {@code alerting.alertmanagers} targets name. */
    public String target() {
        return peer.url().substring("http://".length());
    }

    /** Posts alerts the way Prometheus does ({@code POST /api/v2/alerts}, a JSON array). */
    public void postAlerts(String jsonArray) throws IOException, InterruptedException {
        HttpResponse<String> response = peer.client().send(HttpRequest.newBuilder(
                        URI.create(peer.url() + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonArray)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("alertmanager refused the alerts: " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** Alertmanager's own log, for failure messages. */
    public String log() {
        return peer.log();
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
    }
}
