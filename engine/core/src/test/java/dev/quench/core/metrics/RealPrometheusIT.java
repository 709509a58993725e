package dev.quench.core.metrics;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import dev.quench.testkit.PrometheusProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real scraper: Debian's Prometheus 2.42 scrapes a running Quench with the scrape token, alerts run a
 * runbook, and {@code quench_runs_total} comes back through Prometheus's HTTP API; Prometheus loads
 * Quench's rules and runs every dashboard query; {@code promtool check metrics} passes on the scraped text.
 */
class RealPrometheusIT {

    private static final String SCRAPE_TOKEN = "scrape-token-7c2e91";
    private static final Path ROOT = Promtool.repositoryRoot();

    @TempDir
    Path temp;

    @BeforeEach
    void requirePrometheus() {
        PrometheusProcess.require();
        Promtool.require();
    }

    @Test
    void prometheusScrapesQuenchWithTheScrapeTokenAndReadsRunsBack() throws Exception {
        Path tokenFile = Files.writeString(temp.resolve("scrape.token"), SCRAPE_TOKEN + "\n");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo.yaml"), resource("fixtures/runbooks/echo-disk.yaml"));
        var config = EngineHarness.config(temp.resolve("data"), runbooks).withSections(Map.of("metrics",
                Json.json().readTree("{\"scrapeTokenFile\": \"" + tokenFile + "\"}")));
        try (EngineHarness quench = EngineHarness.start(config);
             PrometheusProcess prometheus = PrometheusProcess.builder(temp.resolve("prometheus"))
                     .scrape("quench", "127.0.0.1:" + quench.engine().port(), tokenFile)
                     .ruleFile(ROOT.resolve("deploy/prometheus/quench-rules.yml")).start()) {
            assertThat(quench.post("/hooks/alertmanager", resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"))
                    .statusCode()).isEqualTo(202);
            assertThat(quench.awaitRuns(Duration.ofSeconds(60))).hasSize(2);

            JsonNode runs = prometheus.awaitValue(
                    "sum(quench_runs_total{job=\"quench\", runbook=\"echo-disk\", status=\"succeeded\"})",
                    "2"::equals, Duration.ofSeconds(60));
            assertThat(runs.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("2");
            assertThat(prometheus.awaitValue("up{job=\"quench\"}", "1"::equals, Duration.ofSeconds(60))
                    .path("status").asText()).isEqualTo("success");

            JsonNode rules = prometheus.api("rules");
            List<String> loaded = new ArrayList<>();
            rules.path("data").path("groups").forEach(group -> group.path("rules").forEach(rule -> {
                loaded.add(rule.path("name").asText());
                assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isNotEqualTo("err");
            }));
            assertThat(loaded).containsExactlyInAnyOrder("QuenchDown", "QuenchRunsFailing", "QuenchRunbookNotRecovered", "QuenchIngestBacklog",
                    "QuenchApprovalWaiting", "QuenchScheduleMisfires", "QuenchPaused", "QuenchBreakerTripped");

            JsonNode dashboard = Json.json().readTree(ROOT.resolve("deploy/grafana/quench.json").toFile());
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expression = target.path("expr").asText().replace("$__rate_interval", "1m")
                            .replace("$instance", ".*");
                    JsonNode answer = prometheus.query(expression);
                    assertThat(answer.path("status").asText()).as("panel '%s': %s -> %s",
                            panel.path("title").asText(), expression, answer).isEqualTo("success");
                }
            }

            String scraped = scrape(quench, SCRAPE_TOKEN);
            Promtool.Result check = Promtool.run(temp, scraped.getBytes(StandardCharsets.UTF_8), "check", "metrics");
            assertThat(check.exitCode()).as(check.output()).isZero();
        }
    }

    private static String scrape(EngineHarness quench, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + quench.engine().port() + "/metrics"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
