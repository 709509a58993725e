package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/v1/runs: typed params are checked (422), and a dry run answers the plan and records nothing. */
class ManualRunsApiTest {

    @TempDir
    Path temp;

    private EngineHarness harness;
    private Path marker;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        marker = temp.resolve("marker");
        Files.writeString(runbooks.resolve("restart.yaml"), """
                name: restart
                params:
                  hosts: {type: list, default: [web-1]}
                  retries: {type: int, default: 1}
                steps:
                  - id: check
                    uses: shell.exec
                    when: ${{ alert.labels.severity == 'critical' || retries > 1 }}
                    with: {command: 'echo check'}
                  - id: restart
                    uses: shell.exec
                    forEach: ${{ params.hosts }}
                    with: {command: 'touch %s; echo ${{ item }} ${{ params.retries + 1 }}'}
                onFailure:
                  - id: page
                    uses: shell.exec
                    with: {command: echo page}
                """.replace("retries > 1", "params.retries > 1").formatted(marker));
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        assertThat(harness.engine().runbooks().problems()).isEmpty();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return harness.post("/api/v1/runs", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aParamThatDoesNotFitItsTypeIsRefusedWith422AndNothingRuns() throws Exception {
        HttpResponse<String> response = post("{\"runbook\": \"restart\", \"params\": {\"retries\": \"three\"}}");

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode error = Json.json().readTree(response.body());
        assertThat(error.get("error").asText()).isEqualTo("invalid params");
        assertThat(error.get("detail").asText())
                .isEqualTo("runbook 'restart': param 'retries' (type: int): expected a whole number, got 'three'");
        assertThat(harness.getJson("/api/v1/runs").toString()).doesNotContain("restart\"");
    }

    @Test
    void typedParamsFromJsonReachTheRunConverted() throws Exception {
        HttpResponse<String> response = post("{\"runbook\": \"restart\", \"params\": {\"retries\": 4, "
                + "\"hosts\": [\"a\", \"b c\"]}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
        RunRecord run = harness.run(runs.getFirst().id());
        assertThat(run.steps()).extracting(step -> step.rendered().get("command")).contains(
                "touch " + marker + "; echo a 5", "touch " + marker + "; echo 'b c' 5");
    }

    @Test
    void aManualRunWithAnAlertRunsAgainstThatAlertAfterWaitingInTheQueue() throws Exception {
        HttpResponse<String> response = post("""
                {"runbook": "restart", "params": {"hosts": "web-1"},
                 "alert": {"labels": {"alertname": "Wedged", "severity": "critical"}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        RunRecord run = harness.run(harness.awaitRuns(Duration.ofSeconds(60)).getFirst().id());
        assertThat(run.steps().getFirst().stepId()).isEqualTo("check");
        assertThat(run.steps().getFirst().status()).as("when: alert.labels.severity == 'critical'")
                .isEqualTo("succeeded");
    }

    @Test
    void aDryRunAnswersThePlanAndRecordsNothing() throws Exception {
        HttpResponse<String> response = post("""
                {"runbook": "restart", "dryRun": true, "params": {"hosts": "web-1,web-2"},
                 "alert": {"labels": {"alertname": "Wedged", "severity": "warning"}}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode plan = Json.json().readTree(response.body());
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("status").asText()).isEqualTo("succeeded");
        assertThat(plan.get("alert").get("labels").get("severity").asText()).isEqualTo("warning");
        assertThat(plan.get("steps")).extracting(step -> step.get("id").asText())
                .containsExactly("check", "restart", "restart[0]", "restart[1]");
        assertThat(plan.get("steps").get(0).get("wouldSkip").asBoolean()).isTrue();
        assertThat(plan.get("steps").get(3).get("rendered").get("command").asText())
                .isEqualTo("touch " + marker + "; echo web-2 2");
        assertThat(plan.get("ifAStepFails").get(0).asText()).isEqualTo("page (shell.exec)");
        assertThat(marker).doesNotExist();
        assertThat(harness.getJson("/api/v1/runs").toString()).doesNotContain("restart\"");

        HttpResponse<String> badAlert = post("{\"runbook\": \"restart\", \"dryRun\": true, \"alert\": {\"status\": \"x\"}}");
        assertThat(badAlert.statusCode()).isEqualTo(422);
        assertThat(badAlert.body()).contains("alert: an alert needs labels");
    }
}
