package dev.quench.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real {@code prometheus} (2.42) on a free loopback port with a temporary TSDB, scraping its targets and
 * evaluating its rule files every second, optionally sending its alerts to an Alertmanager. Built with
 * {@link #builder(Path)}; stopped on close by its process handle (SIGTERM, then SIGKILL). Not thread-safe.
 *
 * <pre>{@code
 * PrometheusProcess.require();
 * try (PrometheusProcess prometheus = PrometheusProcess.builder(temp.resolve("prometheus"))
 *         .scrape("app", exporter.target()).ruleFile(rules).alertmanager(alertmanager.target()).start()) {
 *     prometheus.awaitValue("up{job=\"app\"}", "1"::equals, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class PrometheusProcess implements AutoCloseable {

    /** Where Debian's {@code prometheus} package installs it. */
    public static final Path BINARY = Path.of("/usr/bin/prometheus");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PeerProcess peer;

    private PrometheusProcess(PeerProcess peer) {
        this.peer = peer;
    }

    /** Whether the binary is installed. */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Skips the calling test when Prometheus is missing; under {@code CI=true} fails it instead. */
    public static void require() {
        boolean present = available();
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(present, "CI must install Debian's prometheus package (.ci/run does)");
        }
        Assumptions.assumeTrue(present, "install Debian's prometheus package to run this test");
    }

    /** A Prometheus that will keep its configuration, TSDB and log in {@code directory}. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** {@code http://127.0.0.1:PORT}: the {@code prometheus.url} of quench.yaml. */
    public String url() {
        return peer.url();
    }

    /** {@code GET /api/v1/PATH} of Prometheus's HTTP API, answered as JSON (errors too: status "error"). */
    public JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = peer.client().send(HttpRequest.newBuilder(
                        URI.create(url() + "/api/v1/" + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        try {
            return JSON.readTree(response.body());
        } catch (IOException notJson) {
            throw new AssertionError("Prometheus answered " + response.statusCode() + " to /api/v1/" + path
                    + " with no JSON: " + response.body(), notJson);
        }
    }

    /** An instant query's whole answer ({@code status}, {@code data}; errors too: status "error"). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /**
     * The series an instant query answers now ({@code data.result}).
     *
     * @throws AssertionError with Prometheus's answer when the query fails
     */
    public JsonNode series(String promql) throws IOException, InterruptedException {
        JsonNode answer = query(promql);
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + answer);
        }
        return answer.path("data").path("result");
    }

    /**
     * Asks {@code promql} every 200 ms until it answers exactly one series whose value (as Prometheus prints
     * it) is {@code wanted}; returns that whole answer.
     *
     * @throws AssertionError with the last answer and Prometheus's log when it is not within {@code within}
     */
    public JsonNode awaitValue(String promql, Predicate<String> wanted, Duration within)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(within);
        JsonNode answer = null;
        while (Instant.now().isBefore(deadline)) {
            answer = query(promql);
            JsonNode result = answer.path("data").path("result");
            if (result.size() == 1 && wanted.test(result.get(0).path("value").path(1).asText())) {
                return answer;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus did not answer the wanted value of " + promql + " within " + within
                + " (last answer: " + answer + "); its log:\n" + log());
    }

    /** Prometheus's own log, for failure messages. */
    public String log() {
        return peer.log();
    }

    @Override
    public void close() throws InterruptedException {
        peer.close();
    }

    /** What Prometheus scrapes, evaluates and alerts to; every interval is one second. */
    public static final class Builder {

        private final Path directory;
        private final List<ScrapeTarget> targets = new ArrayList<>();
        private final List<Path> ruleFiles = new ArrayList<>();
        private boolean scrapeItself;
        private String alertmanager;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Scrapes {@code target} ({@code host:port}, path {@code /metrics}) as job {@code job}. */
        public Builder scrape(String job, String target) {
            return scrape(job, target, null);
        }

        /** As {@link #scrape(String, String)}, sending the bearer token in {@code tokenFile} (null: none). */
        public Builder scrape(String job, String target, Path tokenFile) {
            targets.add(new ScrapeTarget(job, target, tokenFile));
            return this;
        }

        /** Scrapes Prometheus's own metrics as job {@code prometheus}. */
        public Builder scrapeItself() {
            scrapeItself = true;
            return this;
        }

        /** Loads and evaluates the rule file {@code file} (by its absolute path). */
        public Builder ruleFile(Path file) {
            ruleFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Sends alerts to the Alertmanager at {@code target} ({@code host:port}; null: none). */
        public Builder alertmanager(String target) {
            alertmanager = target;
            return this;
        }

        /**
         * Writes {@code prometheus.yml}, starts Prometheus and returns once it answers {@code /-/ready}.
         *
         * @throws AssertionError with Prometheus's log when it exits or is not ready within 60 s
         */
        public PrometheusProcess start() throws IOException, InterruptedException {
            Files.createDirectories(directory);
            int port = PeerProcess.freePort();
            List<ScrapeTarget> scraped = new ArrayList<>(targets);
            if (scrapeItself) {
                scraped.add(new ScrapeTarget("prometheus", "127.0.0.1:" + port, null));
            }
            Path config = Files.write(directory.resolve("prometheus.yml"), config(scraped));
            return new PrometheusProcess(PeerProcess.start("prometheus", List.of(BINARY.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + Files.createDirectories(directory.resolve("data")),
                            "--web.listen-address=127.0.0.1:" + port),
                    directory, directory.resolve("prometheus.log"), port, Duration.ofSeconds(60)));
        }

        private List<String> config(List<ScrapeTarget> scraped) {
            List<String> lines = new ArrayList<>(List.of(
                    "global:",
                    "  scrape_interval: 1s",
                    "  evaluation_interval: 1s"));
            if (!ruleFiles.isEmpty()) {
                lines.add("rule_files:");
                ruleFiles.forEach(file -> lines.add("  - " + quoted(file.toAbsolutePath().toString())));
            }
            if (alertmanager != null) {
                lines.addAll(List.of(
                        "alerting:",
                        "  alertmanagers:",
                        "    - static_configs:",
                        "        - targets: [" + quoted(alertmanager) + "]"));
            }
            if (!scraped.isEmpty()) {
                lines.add("scrape_configs:");
            }
            for (ScrapeTarget target : scraped) {
                lines.add("  - job_name: " + quoted(target.job()));
                if (target.tokenFile() != null) {
                    lines.add("    authorization:");
                    lines.add("      credentials_file: " + quoted(target.tokenFile().toAbsolutePath().toString()));
                }
                lines.add("    static_configs:");
                lines.add("      - targets: [" + quoted(target.target()) + "]");
            }
            return lines;
        }

        /** A YAML single-quoted scalar: a quote inside is doubled, so no path or name can change the config. */
        private static String quoted(String value) {
            if (value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException("a Prometheus config value cannot span lines: " + value);
            }
            return "'" + value.replace("'", "''") + "'";
        }
    }

    /** One scrape job: {@code target} ({@code host:port}) as job {@code job}, with an optional bearer token file. */
    private record ScrapeTarget(String job, String target, Path tokenFile) {

        ScrapeTarget {
            Objects.requireNonNull(job, "job");
            Objects.requireNonNull(target, "target");
        }
    }
}
