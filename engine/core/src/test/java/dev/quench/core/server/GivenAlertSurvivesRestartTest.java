package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manual run given an alert inline keeps it in the store: after a restart (or on another node of a
 * cluster: the same path), the run approved later still runs against that alert.
 */
class GivenAlertSurvivesRestartTest {

    @TempDir
    Path temp;

    @Test
    void aRunWaitingForApprovalAcrossARestartRunsAgainstTheAlertItWasGiven() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path seen = temp.resolve("seen");
        Files.writeString(runbooks.resolve("restart.yaml"), """
                name: careful-restart
                approval: required
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo ${{ alert.labels.instance }} >> %s"}}
                """.formatted(seen));
        String id;
        try (EngineHarness first = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            HttpResponse<String> started = first.post("/api/v1/runs", """
                    {"runbook": "careful-restart",
                     "alert": {"labels": {"alertname": "Wedged", "instance": "web-7"}}}"""
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(started.statusCode()).as(started.body()).isIn(200, 202);
            id = Json.json().readTree(started.body()).path("id").asText();
            assertThat(first.run(id).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        }
        try (EngineHarness second = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            HttpResponse<String> approved = second.post("/api/v1/runs/" + id + "/approve",
                    "{\"reason\": \"looked at web-7\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            Instant deadline = Instant.now().plusSeconds(30);
            RunRecord run = second.run(id);
            while (!run.status().finished()) {
                assertThat(Instant.now()).as("run finished; now " + run.status()).isBefore(deadline);
                Thread.sleep(100);
                run = second.run(id);
            }
            assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.steps().getFirst().rendered().get("command")).isEqualTo("echo web-7 >> " + seen);
            assertThat(Files.readAllLines(seen)).containsExactly("web-7");
        }
    }
}
