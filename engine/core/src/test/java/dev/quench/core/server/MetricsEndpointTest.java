package dev.quench.core.server;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.Role;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} as Prometheus sees it: credentials (API token, scrape token, the loopback port),
 * the engine's meters after real alerts ran a real runbook, and {@code /api/v1/ingest} reading the same meters.
 */
class MetricsEndpointTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    private Path runbooks() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo.yaml"), resource("fixtures/runbooks/echo-disk.yaml"));
        Files.writeString(runbooks.resolve("broken.yaml"), "name: broken\nsteps: 7\n");
        return runbooks;
    }

    @Test
    void theApiTokenScrapesTheEnginesMetersAfterAlertsRanARunbook() throws Exception {
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            byte[] alerts = resource("fixtures/alerts/alertmanager-firing-diskspacelow.json");
            assertThat(harness.post("/hooks/alertmanager", alerts).statusCode()).isEqualTo(202);
            assertThat(harness.awaitRuns(Duration.ofSeconds(60))).hasSize(2);
            assertThat(harness.post("/hooks/alertmanager", alerts).statusCode()).isEqualTo(202);
            assertThat(harness.post("/hooks/alertmanager", new String(alerts, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("DiskSpaceLow", "NobodyHandlesThis").replace("5c1e0b7f3d2a9e41", "1111111111111111")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
            harness.awaitRuns(Duration.ofSeconds(60));

            HttpResponse<String> scraped = harness.get("/metrics");

            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.headers().firstValue("content-type")).hasValue(MetricsRoutes.CONTENT_TYPE);
            String text = scraped.body();
            assertThat(value(text, "quench_alerts_received_total{outcome=\"new\",source=\"alertmanager\"}")).isEqualTo(3);
            assertThat(value(text, "quench_alerts_received_total{outcome=\"duplicate\",source=\"alertmanager\"}"))
                    .isEqualTo(3);
            assertThat(value(text, "quench_runs_total{runbook=\"echo-disk\",status=\"succeeded\",trigger=\"alert\",verify=\"none\"}"))
                    .isEqualTo(2);
            assertThat(value(text, "quench_run_duration_seconds_count{runbook=\"echo-disk\"}")).isEqualTo(2);
            assertThat(text).contains("quench_run_duration_seconds_bucket{runbook=\"echo-disk\",le=\"1.0\"}");
            assertThat(value(text, "quench_step_duration_seconds_count{status=\"succeeded\",type=\"shell.exec\"}"))
                    .isEqualTo(2);
            // Two runs of one incident (the fixture's two alerts came in one Alertmanager group): 5 minutes once.
            assertThat(value(text, "quench_toil_saved_seconds_total{runbook=\"echo-disk\",team=\"test-team\"}"))
                    .isEqualTo(300);
            // One new unmatched alert (the other is a re-delivery of a stored one): 30 minutes by hand.
            assertThat(value(text, "quench_manual_toil_seconds_total{alertname=\"NobodyHandlesThis\"}")).isEqualTo(1800);
            assertThat(value(text, "quench_runs_unfinished{state=\"queued\"}")).isZero();
            assertThat(value(text, "quench_runs_unfinished{state=\"running\"}")).isZero();
            assertThat(value(text, "quench_runs_unfinished{state=\"awaiting_approval\"}")).isZero();
            assertThat(value(text, "quench_runbooks{state=\"loaded\"}")).isEqualTo(1);
            assertThat(value(text, "quench_runbooks{state=\"broken\"}")).isEqualTo(1);
            assertThat(value(text, "quench_paused")).isZero();
            assertThat(value(text, "quench_ingest_backlog")).isZero();
            assertThat(text).contains("jvm_memory_used_bytes{", "process_cpu_usage ", "process_uptime_seconds ",
                    "vertx_http_server_requests_total{");
            // Hosts and fingerprints are never labels.
            assertThat(text).doesNotContain("web-7", "web-9");

            JsonNode ingest = harness.getJson("/api/v1/ingest");
            assertThat(ingest.get("acceptedAlerts").asLong()).isEqualTo(6);
            assertThat(ingest.get("duplicateAlerts").asLong()).isEqualTo(3);
        }
    }

    @Test
    void withoutCredentialsMetricsAre401AndTheBodySaysWhatToSend() throws Exception {
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            HttpResponse<String> refused = send(harness.uri("/metrics"), null);

            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(Json.json().readTree(refused.body()).get("detail").asText())
                    .startsWith("send 'Authorization: Bearer <token>'");
            assertThat(refused.body()).doesNotContain("quench_");
            assertThat(send(harness.uri("/metrics"), "wrong").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void metricsNeedAViewerOfEveryTeamSoASenderOrATeamScopedTokenIsRefused() throws Exception {
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            var tokens = harness.engine().store().tokens();
            String viewer = tokens.create("grafana", Role.VIEWER, null, null, "test", Instant.now()).secret();
            String sender = tokens.create("alertmanager", Role.SENDER, null, List.of("alertmanager"), null, "test",
                    Instant.now()).secret();
            String scoped = tokens.create("db-viewer", Role.VIEWER, "db-team", null, "test", Instant.now()).secret();
            // Every engine re-reads the tokens each second.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> send(harness.uri("/metrics"), viewer).statusCode() == 200);

            HttpResponse<String> senderRefused = send(harness.uri("/metrics"), sender);
            assertThat(senderRefused.statusCode()).isEqualTo(403);
            assertThat(senderRefused.body()).contains("viewer").doesNotContain("quench_");
            HttpResponse<String> scopedRefused = send(harness.uri("/metrics"), scoped);
            assertThat(scopedRefused.statusCode()).isEqualTo(403);
            assertThat(scopedRefused.body()).contains("team").doesNotContain("quench_");
        }
    }

    @Test
    void theScrapeTokenReadsMetricsAndNothingElse() throws Exception {
        Path tokenFile = temp.resolve("scrape.token");
        Files.writeString(tokenFile, "scrape-secret-123\n");
        var config = EngineHarness.config(temp.resolve("data"), runbooks())
                .withSections(Map.of("metrics", Json.json().readTree(
                        "{\"scrapeTokenFile\": \"" + tokenFile + "\"}")));
        try (EngineHarness harness = EngineHarness.start(config)) {
            assertThat(send(harness.uri("/metrics"), "scrape-secret-123").statusCode()).isEqualTo(200);
            assertThat(send(harness.uri("/api/v1/runs"), "scrape-secret-123").statusCode()).isEqualTo(401);
            assertThat(harness.get("/metrics").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theOpenPortServesMetricsWithoutCredentialsOnLoopbackOnly() throws Exception {
        var config = EngineHarness.config(temp.resolve("data"), runbooks())
                .withSections(Map.of("metrics", Json.json().readTree("{\"openPort\": 0}")));
        try (EngineHarness harness = EngineHarness.start(config)) {
            int port = harness.engine().metricsPort().orElseThrow();
            HttpResponse<String> open = send(URI.create("http://127.0.0.1:" + port + "/metrics"), null);
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.body()).contains("quench_paused 0.0");
            assertThat(send(URI.create("http://127.0.0.1:" + port + "/api/v1/runs"), null).statusCode()).isEqualTo(404);
            assertThat(listeningAddresses(port)).isNotEmpty()
                    .allSatisfy(address -> assertThat(address).endsWith("0100007F"));
        }
    }

    /** The local addresses (hex, as /proc/net/tcp writes them) of the sockets listening on {@code port}. */
    private static java.util.List<String> listeningAddresses(int port) throws java.io.IOException {
        java.util.List<String> addresses = new java.util.ArrayList<>();
        for (String table : java.util.List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                String local = fields[1];
                if (fields[3].equals("0A") && Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16) == port) {
                    addresses.add(local.substring(0, local.lastIndexOf(':')));
                }
            }
        }
        return addresses;
    }

    private static HttpResponse<String> send(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one sample, by its exact name and labels as Micrometer writes them (labels sorted). */
    static double value(String text, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no sample " + sample + " in the scrape:\n" + text.lines()
                    .filter(line -> line.startsWith(sample.contains("{") ? sample.substring(0, sample.indexOf('{')) : sample))
                    .toList());
        }
        return Double.parseDouble(matcher.group(1));
    }
}
