package dev.quench.core.metrics;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana/quench.json and deploy/prometheus/quench-rules.yml read only metrics the engine exposes:
 * every panel's query (and the dashboard's variables, and every rule) is checked, name by name, against
 * the samples of {@code GET /metrics} of a real engine that received alerts, ran a runbook and refused a run.
 */
class DashboardQueriesTest {

    private static final Path ROOT = Promtool.repositoryRoot();
    /** Made by Prometheus itself for every target, not by Quench. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    @TempDir
    static Path temp;

    private static Set<String> exposed;

    @BeforeAll
    static void scrapeAnEngineThatWorked() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("echo.yaml"), new String(resource("fixtures/runbooks/echo-disk.yaml"),
                StandardCharsets.UTF_8) + "guards: {maxRunsPerHour: 1, breaker: {failures: 3, within: 1h}}\n");
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            String alerts = new String(resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"),
                    StandardCharsets.UTF_8);
            assertThat(harness.post("/hooks/alertmanager", alerts.getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(202);
            assertThat(harness.post("/hooks/alertmanager", alerts.replace("DiskSpaceLow", "NobodyHandlesThis")
                    .replace("5c1e0b7f3d2a9e41", "1111111111111111").replace("a07d44e2c8b1f390", "2222222222222222")
                    .getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
            assertThat(harness.awaitRuns(Duration.ofSeconds(60))).extracting(run -> run.status().wireName())
                    .containsExactlyInAnyOrder("succeeded", "refused");
            String text = harness.get("/metrics").body();
            exposed = new TreeSet<>();
            Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(text);
            while (sample.find()) {
                exposed.add(sample.group(1));
            }
        }
    }

    @Test
    void everyPanelQueryReadsOnlyMetricsTheEngineExposes() throws Exception {
        JsonNode dashboard = Json.json().readTree(ROOT.resolve("deploy/grafana/quench.json").toFile());
        Map<String, Set<String>> unknown = new TreeMap<>();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expression = target.path("expr").asText();
                queries.add(expression);
                Set<String> names = PromQlNames.of(expression);
                assertThat(names).as("panel '%s' query %s reads no metric", panel.path("title").asText(), expression)
                        .isNotEmpty();
                names.stream().filter(name -> !exposed.contains(name)).forEach(name ->
                        unknown.computeIfAbsent(panel.path("title").asText(), ignored -> new TreeSet<>()).add(name));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher labelValues = Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)")
                    .matcher(variable.path("definition").asText());
            if (labelValues.find() && !exposed.contains(labelValues.group(1))) {
                unknown.computeIfAbsent("variable " + variable.path("name").asText(), ignored -> new TreeSet<>())
                        .add(labelValues.group(1));
            }
        }

        assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
        assertThat(unknown).as("metric names the engine does not expose, by panel").isEmpty();
    }

    @Test
    void theDashboardHasThePanelsOperatorsAskFor() throws Exception {
        JsonNode dashboard = Json.json().readTree(ROOT.resolve("deploy/grafana/quench.json").toFile());
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));

        assertThat(titles).contains("Runs by status", "Run duration percentiles", "Queue and approvals",
                "Alerts received", "Schedule lateness", "Toil saved per team per week");
    }

    @Test
    void everyAlertRuleReadsOnlyMetricsTheEngineExposes() throws Exception {
        Matcher expr = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$")
                .matcher(Files.readString(ROOT.resolve("deploy/prometheus/quench-rules.yml")));
        Set<String> unknown = new TreeSet<>();
        int rules = 0;
        while (expr.find()) {
            rules++;
            PromQlNames.of(expr.group(1)).stream()
                    .filter(name -> !exposed.contains(name) && !PROMETHEUS_OWN.contains(name)).forEach(unknown::add);
        }

        assertThat(rules).isEqualTo(8);
        assertThat(unknown).isEmpty();
    }

    @Test
    void theNameCheckSeesAMisspeltMetric() {
        assertThat(PromQlNames.of("histogram_quantile(0.99, sum by (le, type) (rate("
                + "quench_run_duraton_seconds_bucket{instance=~\"$instance\", x=\"a{b}\"}[$__rate_interval]))) / 1e6"))
                .containsExactly("quench_run_duraton_seconds_bucket");
        assertThat(PromQlNames.of("up{job=\"quench\"} == 0 and on (instance) quench_paused offset 5m"))
                .containsExactly("quench_paused", "up");
        assertThat(exposed).contains("quench_runs_total").doesNotContain("quench_run_duraton_seconds_bucket");
    }
}
