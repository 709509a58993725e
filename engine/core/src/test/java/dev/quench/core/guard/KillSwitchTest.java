package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.cli.QuenchMain;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** While paused, alerts are recorded and their runs wait queued, across a restart; resume starts them. */
class KillSwitchTest {

    private static final Map<String, String> RUNBOOKS = Map.of("clean", """
            name: clean-disk
            toil: {manualMinutes: 20}
            triggers:
              alert:
                matchers: ['alertname="DiskFull"']
            steps:
              - {id: clean, uses: shell.exec, with: {command: "echo cleaned"}}
            """);

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private GuardEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void pausedAlertsAreRecordedAndTheirRunsWaitUntilResumeEvenAcrossARestart() throws Exception {
        engine = GuardEngine.start(temp, RUNBOOKS);
        GuardEngine.Answer paused = engine.post("/api/v1/pause", "{\"reason\": \"bad deploy\"}");
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.json().path("paused").asBoolean()).isTrue();

        engine.fire("DiskFull", "web-1:9100", "fp-1");
        assertThat(engine.settled()).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.QUEUED);
        assertThat(engine.harness.getJson("/api/v1/alerts").path("alerts")).hasSize(1);

        engine.close();
        engine = GuardEngine.start(temp, RUNBOOKS);
        JsonNode status = engine.harness.getJson("/api/v1/status");
        assertThat(status.path("paused").asBoolean()).as("the pause survives a restart").isTrue();
        assertThat(status.path("changedBy").asText()).isEqualTo("admin");
        assertThat(status.path("reason").asText()).isEqualTo("bad deploy");
        assertThat(status.path("queued").asInt()).isEqualTo(1);
        assertThat(engine.settled()).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.QUEUED);

        assertThat(engine.post("/api/v1/resume", "{}").json().path("paused").asBoolean()).isFalse();

        assertThat(engine.settled()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.toilSavedMinutes()).isEqualTo(20);
        });
    }

    @Test
    void quenchPauseAndResumeFlipTheSwitchOfARunningEngine() throws Exception {
        engine = GuardEngine.start(temp, RUNBOOKS);
        String server = "http://127.0.0.1:" + engine.harness.engine().port();
        String token = temp.resolve("data/quench.token").toString();

        assertThat(QuenchMain.run("pause", "--server", server, "--token-file", token, "--reason", "incident 42")).isZero();
        assertThat(stdout.text()).contains("paused: no new run starts");
        assertThat(engine.harness.getJson("/api/v1/status").path("paused").asBoolean()).isTrue();
        assertThat(engine.post("/api/v1/runs", "{\"runbook\": \"clean-disk\"}").status()).isEqualTo(202);
        assertThat(engine.settled()).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.QUEUED);

        assertThat(QuenchMain.run("resume", "--server", server, "--token-file", token)).isZero();

        assertThat(stdout.text()).contains("resumed: runs start again");
        assertThat(engine.settled()).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void pauseWithCancelRunningAlsoStopsTheRunningRunsRecordingWhoAndWhy() throws Exception {
        engine = GuardEngine.start(temp, Map.of("slow", """
                name: slow-fix
                steps:
                  - {id: wait, uses: shell.exec, with: {command: "sleep 60"}, timeout: 2m}
                """));
        String server = "http://127.0.0.1:" + engine.harness.engine().port();
        String token = temp.resolve("data/quench.token").toString();
        String id = engine.post("/api/v1/runs", "{\"runbook\": \"slow-fix\"}").json().path("id").asText();
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (engine.harness.run(id).steps().isEmpty()) {
            assertThat(java.time.Instant.now()).as("waiting for the step to start").isBefore(deadline);
            Thread.sleep(20);
        }
        assertThat(engine.post("/api/v1/pause", "{\"cancelRunning\": \"yes\"}").status())
                .as("cancelRunning must be a boolean").isEqualTo(400);

        assertThat(QuenchMain.run("pause", "--server", server, "--token-file", token, 
                "--reason", "bad deploy", "--cancel-running")).isZero();

        assertThat(stdout.text()).contains("paused: no new run starts").contains("Cancelled 1 running run(s): " + id);
        RunRecord cancelled = engine.settled().getFirst();
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.message()).startsWith("cancelled by admin: bad deploy while it ran (quench pause "
                + "--cancel-running)");
        JsonNode decisions = engine.harness.getJson("/api/v1/runs/" + id + "/decisions").path("decisions");
        assertThat(decisions).singleElement().satisfies(decision -> {
            assertThat(decision.path("action").asText()).isEqualTo("cancel");
            assertThat(decision.path("actor").asText()).isEqualTo("admin");
            assertThat(decision.path("reason").asText()).isEqualTo("bad deploy");
        });
    }
}
