package dev.quench.plugin.prometheus;

import dev.quench.testkit.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Debian's real {@code prometheus} on a loopback port with a temporary TSDB, scraping itself every second. */
final class PrometheusProcess implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final PeerProcess peer;

    private PrometheusProcess(PeerProcess peer) {
        this.peer = peer;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts Prometheus and returns once it answers {@code /-/ready} (30 s at most). */
    static PrometheusProcess start(Path directory) throws Exception {
        Files.createDirectories(directory);
        int port = PeerProcess.freePort();
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        return new PrometheusProcess(PeerProcess.start("prometheus", List.of(BINARY.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                        "--web.listen-address=127.0.0.1:" + port),
                directory, directory.resolve("prometheus.log"), port, Duration.ofSeconds(30)));
    }

    String url() {
        return peer.url();
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
