package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import dev.quench.testkit.PrometheusProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure path of slo-burn-rate-remediate against Debian's real Prometheus running the shipped burn-rate rules:
 * the mitigation endpoint answers, but the service keeps failing, so verify never sees the 5-minute burn rate under
 * 6: the run is {@code failed: not recovered}, saves no toil, and its escalation reaches a real HTTP receiver
 * standing in for Slack. The runbook is the shipped one with only its verify deadline shortened from 10m (asserted
 * below, so the copy cannot drift); the rest of the story through Alertmanager is {@link SloEndToEndIT}'s.
 */
class SloRemediationNotRecoveredIT {

    private static final Path RULES = Path.of("../deploy/prometheus/slo-burn-rate-rules.yml");
    private static final Path RUNBOOK = Path.of("slo-burn-rate-remediate.yaml");
    private static final String SHIPPED_DEADLINE = "    timeout: 10m\n";
    private static final String TEST_DEADLINE = "    timeout: 12s\n";

    @TempDir
    Path temp;

    private TestExporter service;
    private PrometheusProcess prometheus;
    private final List<JsonNode> mitigations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> chat = new CopyOnWriteArrayList<>();
    private long requests;
    private long errors;

    @BeforeEach
    void start() throws Exception {
        PrometheusProcess.require();
        // 1 % of web's requests fail from its first scrape, whatever the mitigation says: 10 times its 0.1 % budget.
        service = TestExporter.start(() -> {
            synchronized (this) {
                requests += 1000;
                errors += 10;
                return "# TYPE http_requests_total counter\nhttp_requests_total{service=\"web\",code=\"200\"} "
                        + (requests - errors) + "\nhttp_requests_total{service=\"web\",code=\"500\"} " + errors + "\n";
            }
        });
        service.route("/mitigate", exchange -> {
            mitigations.add(Json.json().readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        service.route("/chat", exchange -> {
            chat.add(Json.json().readTree(exchange.getRequestBody().readAllBytes()));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        prometheus = PrometheusProcess.builder(temp.resolve("prometheus")).scrape("app", service.target())
                .ruleFile(RULES).start();
        prometheus.awaitValue("slo:burn_rate1h{service=\"web\"}", value -> Math.abs(Double.parseDouble(value) - 10) < 0.5,
                Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aMitigationThatDoesNotHelpIsNotRecoveredAndEscalatedToTheTeamsChannel() throws Exception {
        String shipped = Files.readString(RUNBOOK);
        assertThat(shipped).as("the shipped verify deadline this test shortens").containsOnlyOnce(SHIPPED_DEADLINE);
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve(RUNBOOK.getFileName()), shipped.replace(SHIPPED_DEADLINE, TEST_DEADLINE));
        Path config = Files.writeString(temp.resolve("quench.yaml"), "prometheus:\n  url: " + prometheus.url() + "\n");
        Alert page = new Alert("alertmanager", "5e1f07c2", AlertStatus.FIRING, Map.of("alertname",
                "SLOErrorBudgetBurnMedium", "service", "web", "severity", "critical", "slo_window", "6h"), Map.of(),
                Instant.now(), null, "");

        RunRecord run;
        try (LocalPlugins plugins = LocalPlugins.start(ConfigLoader.load(config, temp.resolve("data")));
             LocalRuns runs = LocalRuns.open(LocalRuns.memoryStoreUrl(), "sa", "", plugins.registry(),
                     RunbookEnvironment.of(Map.of(), Map.of("slack_webhook", service.url() + "/chat")), 64 * 1024)) {
            RunbookLoadResult loaded = new RunbookLoader(plugins.registry()).load(runbooks);
            assertThat(loaded.problems()).isEmpty();
            run = runs.run(loaded.runbooks().getFirst(), Map.of("mitigationUrl", service.url() + "/mitigate"), page,
                    false, "test");
        }

        assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.FAILED);
        assertThat(run.message()).startsWith("not recovered: recovered: did not pass in ")
                .contains("(every 5s, timeout 12s)").contains("service=\"web\"}");
        assertThat(run.toilSavedMinutes()).isZero();
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                .containsExactly(tuple("mitigate", "run", "succeeded"), tuple("recovered", "verify", "failed"),
                        tuple("escalate", "run", "succeeded"));
        assertThat(mitigations).singleElement().satisfies(request ->
                assertThat(request.path("service").asText()).isEqualTo("web"));
        List<String> texts = new ArrayList<>();
        chat.forEach(message -> texts.add(message.path("text").asText()));
        assertThat(texts).singleElement().asString()
                .startsWith("web still burns its error budget after Quench's mitigation (run " + run.id()
                        + "): recovered: did not pass in ");
    }
}
