package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.testkit.PrometheusProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify: against Debian's real Prometheus (2.42), scraping every second a small exporter whose error ratio the test
 * controls. The remediation step "fixes" the service (the exporter's ratio drops three seconds after it ran); the
 * verify step polls Prometheus until the series is back under the threshold: recovered. When the remediation does
 * not help, the verify step fails at its deadline with the last value Prometheus measured: not recovered, the
 * onFailure step escalates with that reason, and no toil is saved.
 */
class VerifyWithRealPrometheusIT {

    private static final Duration FIX_TAKES = Duration.ofSeconds(3);

    @TempDir
    Path temp;

    private TestExporter exporter;
    private PrometheusProcess prometheus;
    private Path fixed;

    @BeforeEach
    void startExporterAndPrometheus() throws Exception {
        PrometheusProcess.require();
        fixed = temp.resolve("fixed");
        exporter = TestExporter.start(() -> "# TYPE app_error_ratio gauge\napp_error_ratio{service=\"web\"} "
                + errorRatio() + "\n");
        prometheus = PrometheusProcess.builder(temp.resolve("prometheus")).scrape("app", exporter.target()).start();
        prometheus.awaitValue("app_error_ratio{service=\"web\"}", "0.2"::equals, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.close();
        }
    }

    /** 0.2 (20 % errors) until three seconds after the remediation ran, then 0.002. */
    private String errorRatio() {
        try {
            if (Files.exists(fixed)
                    && Files.getLastModifiedTime(fixed).toInstant().plus(FIX_TAKES).isBefore(Instant.now())) {
                return "0.002";
            }
        } catch (java.io.IOException ignored) {
            // The file appeared or went between the two calls: the service is not fixed yet.
        }
        return "0.2";
    }

    @Test
    void verifyWaitsUntilPrometheusSeesTheErrorRatioBackUnderTheThreshold() throws Exception {
        RunRecord run = run("touch " + fixed, "60s");

        assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.toilSavedMinutes()).isEqualTo(15);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                .containsExactly(tuple("fix", "run", "succeeded"), tuple("recovered", "verify", "succeeded"));
        StepRecord recovered = run.steps().get(1);
        assertThat(recovered.message()).as("the first checks still saw 0.2").startsWith("passed on check ");
        assertThat(recovered.durationMillis()).as("the fix took 3s to show").isGreaterThanOrEqualTo(2500);
        assertThat(recovered.stdout()).contains("service=\"web\"} 0.002");
    }

    @Test
    void aRemediationThatDoesNotHelpIsNotRecoveredWithTheLastMeasuredValue() throws Exception {
        Path paged = temp.resolve("paged");
        RunRecord run = run("echo restarted", "5s", paged);

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.toilSavedMinutes()).isZero();
        assertThat(run.message()).startsWith("not recovered: recovered: did not pass in ")
                .contains("(every 1s, timeout 5s); last: ").contains("service=\"web\"} 0.2");
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                .containsExactly(tuple("fix", "run", "succeeded"), tuple("recovered", "verify", "failed"),
                        tuple("page", "run", "succeeded"));
        assertThat(Files.readString(paged)).startsWith("recovered: did not pass in ").contains("0.2");
    }

    private RunRecord run(String fix, String deadline) throws Exception {
        return run(fix, deadline, temp.resolve("paged"));
    }

    private RunRecord run(String fix, String deadline, Path paged) throws Exception {
        Path config = Files.writeString(temp.resolve("quench.yaml"), "prometheus:\n  url: " + prometheus.url() + "\n");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("error-ratio.yaml"), """
                name: error-ratio
                description: fix the web service, then verify its error ratio came back under 1 %%
                owner: platform-team
                toil: {manualMinutes: 15}
                steps:
                  - id: fix
                    uses: shell.exec
                    with: {command: "%s"}
                verify:
                  - id: recovered
                    uses: prometheus.query
                    with:
                      query: app_error_ratio{service="web"}
                      expect: {below: 0.01}
                    every: 1s
                    timeout: %s
                onFailure:
                  - id: page
                    uses: shell.exec
                    with: {command: 'printf "%%s: %%s" ${{ run.failedStep }} ${{ run.error }} > %s'}
                """.formatted(fix, deadline, paged));
        QuenchConfig loaded = ConfigLoader.load(config, temp.resolve("data"));
        try (LocalPlugins plugins = LocalPlugins.start(loaded);
             LocalRuns runs = LocalRuns.open(LocalRuns.memoryStoreUrl(), "sa", "", plugins.registry(),
                     RunbookEnvironment.none(), 64 * 1024)) {
            RunbookLoadResult result = new RunbookLoader(plugins.registry()).load(runbooks);
            assertThat(result.problems()).isEmpty();
            return runs.run(result.runbooks().getFirst(), Map.of(), null, false, "test");
        }
    }
}
