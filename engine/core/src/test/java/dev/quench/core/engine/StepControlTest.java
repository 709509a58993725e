package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** when, retry, continueOnError, outputs, onFailure and finally, as a run records them. */
class StepControlTest {

    private static final String ALERT = """
            {"version": "4", "status": "firing", "alerts": [{"status": "firing",
              "labels": {"alertname": "Wedged", "instance": "web-7:9100"},
              "startsAt": "2026-11-20T02:58:14Z", "fingerprint": "f00d"}]}""";

    @TempDir
    Path temp;

    private RunRecord run(String body) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("wedged.yaml"), """
                name: wedged
                toil: {manualMinutes: 15}
                triggers:
                  alert:
                    matchers: ['alertname="Wedged"']
                """ + body);
        return EngineHarness.runOnAlert(temp.resolve("data"), runbooks, ALERT);
    }

    @Test
    void aFalseWhenSkipsTheStepAndTheRunGoesOn() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: check
                    uses: shell.exec
                    with: {command: echo healthy}
                  - id: restart
                    uses: shell.exec
                    when: steps.check.stdout != 'healthy\\n'
                    with: {command: echo restarting}
                  - id: report
                    uses: shell.exec
                    when: ${{ steps.restart.status == 'skipped' }}
                    with: {command: echo nothing to do}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.toilSavedMinutes()).isEqualTo(15);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status)
                .containsExactly(tuple("check", "succeeded"), tuple("restart", "skipped"), tuple("report", "succeeded"));
        assertThat(run.steps().get(1).message())
                .isEqualTo("skipped: when ${{ steps.check.stdout != 'healthy\\n' }} was false");
        assertThat(run.steps().get(2).stdout()).isEqualTo("nothing to do\n");
    }

    @Test
    void aConditionThatCannotBeDecidedFailsTheStepInsteadOfGuessing() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: check
                    uses: shell.exec
                    when: alert.labels.instance
                    with: {command: echo hi}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.steps().getFirst().message()).isEqualTo("when ${{ alert.labels.instance }} could not be decided: "
                + "gave 'web-7:9100', but a condition must give true or false (compare it, like == 0 or != ''); "
                + "the step was not run");
    }

    @Test
    void aFailingStepIsRetriedWithItsDelayUntilItSucceeds() throws Exception {
        Path counter = temp.resolve("counter");
        RunRecord run = run("""
                steps:
                  - id: flaky
                    uses: shell.exec
                    with: {command: 'echo x >> %s; test $(wc -l < %s) -ge 3'}
                    retry: {attempts: 4, delay: 50ms, backoff: 2}
                """.formatted(counter, counter));

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(counter)).hasSize(3);
        StepRecord flaky = run.steps().getFirst();
        assertThat(flaky.message()).isEqualTo("succeeded on attempt 3 of 4");
        // waits of 50 ms, then 100 ms
        assertThat(flaky.durationMillis()).isGreaterThanOrEqualTo(150);
    }

    @Test
    void retryOnDecidesWhichFailuresAreWorthAnotherTry() throws Exception {
        Path counter = temp.resolve("counter");
        RunRecord run = run("""
                steps:
                  - id: restart
                    uses: shell.exec
                    with: {command: 'echo x >> %s; exit 3'}
                    retry: {attempts: 5, delay: 10ms, retryOn: "${{ steps.restart.exitCode == 75 }}"}
                  - id: never
                    uses: shell.exec
                    with: {command: echo never}
                """.formatted(counter));

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(Files.readAllLines(counter)).hasSize(1);
        assertThat(run.steps()).hasSize(1);
        assertThat(run.steps().getFirst().message()).isEqualTo("failed after 1 attempt (of 5): command exited with "
                + "code 3; retryOn ${{ steps.restart.exitCode == 75 }} was false, so it was not retried");
        assertThat(run.message()).startsWith("step 'restart' (shell.exec) failed: failed after 1 attempt")
                .endsWith("; later steps were not run");
    }

    @Test
    void continueOnErrorLetsTheRunGoOnAndSucceed() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: optional
                    uses: shell.exec
                    continueOnError: true
                    with: {command: exit 4}
                  - id: next
                    uses: shell.exec
                    with: {command: 'echo ${{ steps.optional.exitCode }}'}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.steps()).extracting(StepRecord::status).containsExactly("failed", "succeeded");
        assertThat(run.steps().get(1).stdout()).isEqualTo("4\n");
        assertThat(run.message()).isEqualTo("step 'optional' failed and the run went on (continueOnError): "
                + "command exited with code 4");
    }

    @Test
    void outputsAreComputedFromTheStepsOwnResultAndReadByLaterSteps() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: usage
                    uses: shell.exec
                    with: {command: echo '  91 '}
                    outputs:
                      percent: ${{ toInt(trim(steps.usage.stdout)) }}
                      host: ${{ host(alert.labels.instance) }}
                  - id: report
                    uses: shell.exec
                    with: {command: 'echo ${{ steps.usage.outputs.percent + 1 }} ${{ steps.usage.outputs.host }}'}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.steps().get(1).stdout()).isEqualTo("92 web-7\n");
    }

    @Test
    void anOutputThatFailsFailsItsStep() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: usage
                    uses: shell.exec
                    with: {command: echo full}
                    outputs:
                      percent: ${{ toInt(trim(steps.usage.stdout)) }}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.steps().getFirst().stdout()).isEqualTo("full\n");
        assertThat(run.steps().getFirst().message()).startsWith("output 'percent' could not be computed: ")
                .contains("toInt(trim(steps.usage.stdout))");
    }

    @Test
    void afterAFailureOnFailureStepsEscalateAndFinallyStepsAlwaysRun() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: clean
                    uses: shell.exec
                    with: {command: echo disk still full >&2; exit 1}
                  - id: verify
                    uses: shell.exec
                    with: {command: echo never}
                onFailure:
                  - uses: shell.exec
                    with: {command: 'echo paging: ${{ run.failedStep }}: ${{ run.error }}'}
                finally:
                  - id: unlock
                    uses: shell.exec
                    with: {command: echo unlocked}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.toilSavedMinutes()).isZero();
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::status).containsExactly(
                tuple("clean", "failed"), tuple("onFailure_1", "succeeded"), tuple("unlock", "succeeded"));
        assertThat(run.steps().get(1).stdout()).isEqualTo("paging: clean: command exited with code 1; stderr: "
                + "disk still full\n");
        assertThat(run.message()).isEqualTo("step 'clean' (shell.exec) failed: command exited with code 1; "
                + "stderr: disk still full; later steps were not run");
    }

    @Test
    void aSucceededRunRunsNoOnFailureStepsButAFailingFinallyStepFailsIt() throws Exception {
        RunRecord run = run("""
                steps:
                  - id: clean
                    uses: shell.exec
                    with: {command: echo ok}
                onFailure:
                  - id: page
                    uses: shell.exec
                    with: {command: echo paging}
                finally:
                  - id: unlock
                    uses: shell.exec
                    with: {command: exit 2}
                """);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.steps()).extracting(StepRecord::stepId).containsExactly("clean", "unlock");
        assertThat(run.message()).isEqualTo("finally step 'unlock' (shell.exec) failed: command exited with code 2");
    }
}
