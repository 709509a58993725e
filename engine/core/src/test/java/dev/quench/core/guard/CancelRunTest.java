package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/runs/{id}/cancel}: a queued run never starts; a running one is stopped mid-step. */
class CancelRunTest {

    @TempDir
    Path temp;

    private GuardEngine engine;

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void cancellingARunningRunStopsItsStepAndSkipsTheRest() throws Exception {
        engine = GuardEngine.start(temp, Map.of("slow", """
                name: slow-fix
                toil: {manualMinutes: 10}
                steps:
                  - {id: wait, uses: shell.exec, with: {command: "sleep 60"}, timeout: 2m}
                  - {id: after, uses: shell.exec, with: {command: "echo should not run"}}
                """));
        String id = engine.post("/api/v1/runs", "{\"runbook\": \"slow-fix\"}").json().path("id").asText();
        Instant deadline = Instant.now().plusSeconds(30);
        while (engine.harness.run(id).steps().isEmpty()) {
            assertThat(Instant.now()).as("waiting for the step to start").isBefore(deadline);
            Thread.sleep(20);
        }

        GuardEngine.Answer answer = engine.post("/api/v1/runs/" + id + "/cancel",
                "{\"reason\": \"wrong host\"}");

        assertThat(answer.status()).isEqualTo(200);
        engine.harness.awaitRuns(Duration.ofSeconds(40));
        RunRecord cancelled = engine.harness.run(id);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.message()).startsWith("cancelled by admin: wrong host while it ran");
        assertThat(cancelled.toilSavedMinutes()).isZero();
        assertThat(cancelled.steps()).extracting(step -> step.stepId()).containsExactly("wait");
        assertThat(Duration.between(cancelled.startedAt(), cancelled.finishedAt()))
                .as("the sleep was stopped, not waited out").isLessThan(Duration.ofSeconds(50));
    }

    @Test
    void cancellingARunningRunStillRunsItsFinallyStepsUnderTheirOwnTimeout() throws Exception {
        Path cleaned = temp.resolve("cleaned");
        engine = GuardEngine.start(temp, Map.of("slow", """
                name: slow-fix
                steps:
                  - {id: wait, uses: shell.exec, with: {command: "sleep 60"}, timeout: 2m}
                  - {id: after, uses: shell.exec, with: {command: "echo should not run"}}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "sleep 0.3; touch %s"}, timeout: 20s}
                """.formatted(cleaned)));
        String id = engine.post("/api/v1/runs", "{\"runbook\": \"slow-fix\"}").json().path("id").asText();
        Instant deadline = Instant.now().plusSeconds(30);
        while (engine.harness.run(id).steps().isEmpty()) {
            assertThat(Instant.now()).as("waiting for the step to start").isBefore(deadline);
            Thread.sleep(20);
        }

        assertThat(engine.post("/api/v1/runs/" + id + "/cancel", "{}").status()).isEqualTo(200);

        engine.harness.awaitRuns(Duration.ofSeconds(40));
        RunRecord cancelled = engine.harness.run(id);
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.message()).startsWith("cancelled by admin while it ran");
        assertThat(cancelled.steps()).extracting(step -> step.stepId()).containsExactly("wait", "cleanup");
        assertThat(cancelled.steps().get(1).status()).as(cancelled.steps().get(1).message()).isEqualTo("succeeded");
        assertThat(cleaned).as("the finally step ran to its end").exists();
    }

    @Test
    void aFinishedRunCannotBeCancelled() throws Exception {
        engine = GuardEngine.start(temp, Map.of("quick", """
                name: quick-fix
                steps:
                  - {id: echo, uses: shell.exec, with: {command: "echo done"}}
                """));
        String id = engine.post("/api/v1/runs", "{\"runbook\": \"quick-fix\"}").json().path("id").asText();
        engine.settled();

        GuardEngine.Answer answer = engine.post("/api/v1/runs/" + id + "/cancel", "");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json().path("detail").asText())
                .isEqualTo("run " + id + " is succeeded: only a run that is queued or awaiting_approval can be cancelled");
    }
}
