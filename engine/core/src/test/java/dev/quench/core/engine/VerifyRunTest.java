package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify:} as a real engine runs it: checked again every {@code every} until it passes (recovered, toil
 * saved) or its timeout ends (failed "not recovered", onFailure escalates, finally runs, no toil); recorded in the
 * verify phase, visible in GET /api/v1/runs/{id} and in {@code quench_runs_total{verify}}; stopped by a cancel
 * between two checks; the same in a Groovy runbook's {@code verify { }}.
 */
class VerifyRunTest {

    @TempDir
    Path temp;

    private Path runbooks() throws Exception {
        return Files.createDirectories(temp.resolve("runbooks"));
    }

    @Test
    void aVerifyStepThatPassesAfterAFewChecksMakesTheRunRecovered() throws Exception {
        Path counter = temp.resolve("counter");
        Files.writeString(runbooks().resolve("fix.yaml"), """
                name: fix
                toil: {manualMinutes: 20}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restarted"}}
                verify:
                  - id: healthy
                    uses: shell.exec
                    with: {command: 'echo x >> %s; test $(wc -l < %s) -ge 3'}
                    every: 1s
                    timeout: 20s
                onFailure:
                  - {id: page, uses: shell.exec, with: {command: "echo paged"}}
                """.formatted(counter, counter));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            RunRecord run = runToEnd(harness, "fix");

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.toilSavedMinutes()).isEqualTo(20);
            assertThat(Files.readAllLines(counter)).hasSize(3);
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                    .containsExactly(tuple("restart", "run", "succeeded"), tuple("healthy", "verify", "succeeded"));
            StepRecord healthy = run.steps().get(1);
            assertThat(healthy.message()).startsWith("passed on check 3 after ");
            assertThat(healthy.durationMillis()).as("two waits of 1s").isGreaterThanOrEqualTo(2000);

            JsonNode shown = harness.getJson("/api/v1/runs/" + run.id());
            assertThat(shown.path("steps").get(1).path("phase").asText()).isEqualTo("verify");
            assertThat(shown.path("steps").get(0).path("phase").asText()).isEqualTo("run");
            assertThat(harness.get("/metrics").body()).containsPattern(
                    "quench_runs_total\\{[^}]*runbook=\"fix\"[^}]*status=\"succeeded\"[^}]*verify=\"recovered\"[^}]*} 1");
        }
    }

    @Test
    void aVerifyStepThatNeverPassesFailsTheRunAsNotRecoveredEscalatesAndSavesNoToil() throws Exception {
        Path checks = temp.resolve("checks");
        Path paged = temp.resolve("paged");
        Path cleaned = temp.resolve("cleaned");
        Files.writeString(runbooks().resolve("fix.yaml"), """
                name: fix
                toil: {manualMinutes: 20}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restarted"}}
                verify:
                  - id: healthy
                    uses: shell.exec
                    with: {command: 'echo x >> %s; echo "error ratio 0.31" >&2; exit 1'}
                    every: 1s
                    timeout: 3s
                  - {id: never, uses: shell.exec, with: {command: "echo not reached"}}
                onFailure:
                  - {id: page, uses: shell.exec, with: {command: 'printf "%%s|%%s" ${{ run.failedStep }} ${{ run.error }} > %s'}}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "touch %s"}}
                """.formatted(checks, paged, cleaned));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            Instant began = Instant.now();
            RunRecord run = runToEnd(harness, "fix");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.toilSavedMinutes()).isZero();
            assertThat(Duration.between(began, Instant.now())).as("the 3s deadline, not more")
                    .isLessThan(Duration.ofSeconds(20));
            int checked = Files.readAllLines(checks).size();
            assertThat(checked).as("a check at 0s, 1s and 2s (2 when a check is slow)").isBetween(2, 3);
            assertThat(run.message()).startsWith("not recovered: healthy: did not pass in " + checked + " checks over ")
                    .contains("(every 1s, timeout 3s); last: command exited with code 1")
                    .contains("error ratio 0.31")
                    .endsWith("; the verify steps after it were not run");
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                    .containsExactly(tuple("restart", "run", "succeeded"), tuple("healthy", "verify", "failed"),
                            tuple("page", "run", "succeeded"), tuple("cleanup", "run", "succeeded"));
            assertThat(Files.readString(paged)).startsWith("healthy|did not pass in " + checked + " checks");
            assertThat(cleaned).exists();
            assertThat(harness.get("/metrics").body()).containsPattern(
                    "quench_runs_total\\{[^}]*runbook=\"fix\"[^}]*status=\"failed\"[^}]*verify=\"not_recovered\"[^}]*} 1");
        }
    }

    @Test
    void verifyDoesNotRunWhenAStepFailed() throws Exception {
        Files.writeString(runbooks().resolve("fix.yaml"), """
                name: fix
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "exit 3"}}
                verify:
                  - {id: healthy, uses: shell.exec, with: {command: "true"}}
                """);

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            RunRecord run = runToEnd(harness, "fix");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.steps()).extracting(StepRecord::stepId).containsExactly("restart");
            assertThat(run.message()).startsWith("step 'restart' (shell.exec) failed");
        }
    }

    @Test
    void aCancelBetweenTwoChecksStopsTheRunAtOnceAndItsFinallyStepsRun() throws Exception {
        Path cleaned = temp.resolve("cleaned");
        Files.writeString(runbooks().resolve("fix.yaml"), """
                name: fix
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restarted"}}
                verify:
                  - {id: healthy, uses: shell.exec, with: {command: "exit 1"}, every: 30s, timeout: 5m}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "touch %s"}}
                """.formatted(cleaned));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            String id = start(harness, "fix");
            Instant deadline = Instant.now().plusSeconds(30);
            while (harness.run(id).steps().stream().noneMatch(StepRecord::isVerify)) {
                assertThat(Instant.now()).as("waiting for the verify step to start").isBefore(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(300); // the first check has failed by now: the run waits for the next one

            var answer = harness.post("/api/v1/runs/" + id + "/cancel",
                    "{\"reason\": \"fixed by hand\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            harness.awaitRuns(Duration.ofSeconds(20));
            RunRecord run = harness.run(id);
            assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(run.message()).startsWith("cancelled by ").contains("fixed by hand");
            assertThat(Duration.between(run.startedAt(), run.finishedAt())).as("not the 30s wait")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(run.steps()).extracting(StepRecord::stepId).containsExactly("restart", "healthy", "cleanup");
            assertThat(run.steps().get(1).message()).contains("not checked again: the run was stopped");
            assertThat(cleaned).exists();
        }
    }

    @Test
    void aGroovyRunbookVerifiesInItsVerifyBlock() throws Exception {
        Path counter = temp.resolve("counter");
        Path paged = temp.resolve("paged");
        Files.writeString(runbooks().resolve("fix.groovy"), """
                runbook {
                    name 'fix'
                    manualMinutes 20
                }
                steps {
                    shell.exec(id: 'restart', command: 'echo restarted')
                }
                verify {
                    shell.exec(id: 'healthy', command: "echo x >> ${'%s'}; test \\$(wc -l < ${'%s'}) -ge 2",
                            every: '1s', timeout: '10s')
                    shell.exec(id: 'stuck', command: 'exit 1', every: '1s', timeout: '2s')
                }
                onFailure {
                    shell.exec(id: 'page', command: "printf %%s ${run.failedStep} > ${'%s'}")
                }
                """.formatted(counter, counter, paged));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            assertThat(harness.engine().runbooks().problems()).isEmpty();
            RunRecord run = runToEnd(harness, "fix");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.toilSavedMinutes()).isZero();
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                    .containsExactly(tuple("restart", "run", "succeeded"), tuple("healthy", "verify", "succeeded"),
                            tuple("stuck", "verify", "failed"), tuple("page", "run", "succeeded"));
            assertThat(run.steps().get(1).message()).startsWith("passed on check 2 after ");
            assertThat(run.message()).matches("not recovered: stuck: did not pass in [12] checks? over .*");
            assertThat(Files.readString(paged)).isEqualTo("stuck");
        }
    }

    @Test
    void aGroovyStepRefusesEveryOutsideVerifyAndRetryInsideIt() throws Exception {
        Files.writeString(runbooks().resolve("early.groovy"), """
                runbook { name 'early' }
                steps { shell.exec(id: 'restart', command: 'true', every: '5s') }
                """);
        Files.writeString(runbooks().resolve("late.groovy"), """
                runbook { name 'late' }
                steps { shell.exec(id: 'restart', command: 'true') }
                verify { shell.exec(id: 'up', command: 'true', retry: 3) }
                """);

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks()))) {
            RunRecord early = runToEnd(harness, "early");
            RunRecord late = runToEnd(harness, "late");

            assertThat(early.status()).isEqualTo(RunStatus.FAILED);
            assertThat(early.message()).contains("shell.exec(...): every: is for steps inside verify { } only");
            assertThat(late.status()).isEqualTo(RunStatus.FAILED);
            assertThat(late.message()).startsWith("not recovered: verify: ")
                    .contains("shell.exec(...) inside verify { }: retry: and continueOnError do not apply");
            assertThat(late.toilSavedMinutes()).isZero();
        }
    }

    private static RunRecord runToEnd(EngineHarness harness, String runbook) throws Exception {
        assertThat(harness.engine().runbooks().problems()).isEmpty();
        String id = start(harness, runbook);
        harness.awaitRuns(Duration.ofSeconds(60));
        return harness.run(id);
    }

    private static String start(EngineHarness harness, String runbook) throws Exception {
        var answer = harness.post("/api/v1/runs", ("{\"runbook\": \"" + runbook + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return Json.json().readTree(answer.body()).path("id").asText();
    }
}
