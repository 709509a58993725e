package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.StepPlugin;
import dev.quench.core.cli.QuenchMain;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.step.ShellExecStep;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run tells about its steps: a failed step's stderr tail is in the run's error (and so in a
 * failure notification), and declared step outputs are recorded with the step.
 */
class RunErrorAndOutputsTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private EngineHarness start(String runbook) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fix.yaml"), runbook);
        return EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }

    private static RunRecord runOnce(EngineHarness harness, String runbook) throws Exception {
        var answer = harness.post("/api/v1/runs", ("{\"runbook\": \"" + runbook + "\"}").getBytes());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
        return harness.run(runs.getFirst().id());
    }

    @Test
    void aFailedStepsStderrTailIsInTheRunErrorThatItsFailureNotificationSends() throws Exception {
        Path notified = temp.resolve("notified");
        try (EngineHarness harness = start("""
                name: flush-cache
                steps:
                  - id: flush
                    uses: shell.exec
                    with:
                      command: |
                        echo flushing
                        for i in 1 2 3 4 5 6 7 8; do echo "noise $i" >&2; done
                        echo "redis-cli: Could not connect to Redis at 127.0.0.1:6390: Connection refused" >&2
                        exit 1
                onFailure:
                  - id: notify
                    uses: shell.exec
                    with: {command: "printf '%%s' ${{ run.error }} > %s"}
                """.formatted(notified))) {
            RunRecord run = runOnce(harness, "flush-cache");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            String error = Files.readString(notified);
            assertThat(error).contains("Connection refused").contains("noise 8").doesNotContain("noise 4")
                    .doesNotContain("flushing");
            assertThat(run.message()).contains("step 'flush' (shell.exec) failed")
                    .contains("127.0.0.1:6390: Connection refused");
        }
    }

    @Test
    void theStderrTailIsBoundedToItsLastLinesAndFiveHundredCharacters() throws Exception {
        try (EngineHarness harness = start("""
                name: noisy
                steps:
                  - id: loud
                    uses: shell.exec
                    with: {command: "echo %s >&2; echo 'last words' >&2; exit 3"}
                """.formatted("y".repeat(3000)))) {
            RunRecord run = runOnce(harness, "noisy");

            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            String tail = run.message().substring(run.message().indexOf("stderr: "));
            assertThat(tail).endsWith("last words").hasSizeLessThanOrEqualTo("stderr: …".length() + 500);
        }
    }

    @Test
    void declaredStepOutputsAreRecordedWithTheStepInTheApiAndInRunsShow() throws Exception {
        try (EngineHarness harness = start("""
                name: measure-disk
                steps:
                  - id: measure
                    uses: shell.exec
                    with: {command: "echo 42"}
                    outputs:
                      freedKb: ${{ toInt(trim(steps.measure.stdout)) }}
                      directory: /var/log/${{ trim(steps.measure.stdout) }}
                """)) {
            RunRecord run = runOnce(harness, "measure-disk");

            assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
            JsonNode step = harness.getJson("/api/v1/runs/" + run.id()).path("steps").get(0);
            assertThat(step.path("outputs").path("freedKb").asInt()).isEqualTo(42);
            assertThat(step.path("outputs").path("directory").asText()).isEqualTo("/var/log/42");

            String server = "http://127.0.0.1:" + harness.engine().port();
            assertThat(QuenchMain.run("runs", "show", run.id(), "--server", server, "--token-file",
                    temp.resolve("data/quench.token").toString())).isZero();
            assertThat(stdout.text()).contains("output freedKb: 42").contains("output directory: /var/log/42");
        }
    }

    @Test
    void theStderrTailAndTheRecordedOutputsNeverCarryASecret() throws Exception {
        String token = "tok-7f3a9c1e5b";
        Path notified = temp.resolve("notified");
        Path file = temp.resolve("secret-run.yaml");
        Files.writeString(file, """
                name: secret-run
                steps:
                  - id: login
                    uses: shell.exec
                    with: {command: "echo ${{ secrets.api_token }}"}
                    outputs: {copy: "${{ trim(steps.login.stdout) }}"}
                  - id: call
                    uses: shell.exec
                    with: {command: "echo bad token ${{ secrets.api_token }} >&2; exit 3"}
                onFailure:
                  - id: notify
                    uses: shell.exec
                    with: {command: "printf '%%s' ${{ run.error }} > %s"}
                """.formatted(notified));
        try (PluginRegistry plugins = PluginRegistry.of(List.<StepPlugin<?>>of(new ShellExecStep()))) {
            RunbookLoadResult loaded = new RunbookLoader(plugins).load(file);
            assertThat(loaded.problems()).isEmpty();
            try (LocalRuns runs = LocalRuns.open(LocalRuns.memoryStoreUrl(), "sa", "", plugins,
                    RunbookEnvironment.of(Map.of(), Map.of("api_token", token)), 64 * 1024)) {
                RunRecord run = runs.run(loaded.runbooks().getFirst(), Map.of(), null, false, "test");

                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                assertThat(run.steps().getFirst().outputs()).isEqualTo(Map.of("copy", "***"));
                assertThat(Files.readString(notified)).isEqualTo("command exited with code 3; stderr: bad token ***");
                assertThat(run.toString()).doesNotContain(token);
            }
        }
    }
}
