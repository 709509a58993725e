package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.testkit.PrometheusProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guards.errorBudget} end to end against Debian's real Prometheus: Prometheus scrapes a small exporter
 * whose burn rate the test sets; a runbook gated on it waits for approval with the measured value while the rate
 * is above the threshold, and acts once it is below.
 */
class ErrorBudgetGuardIT {

    @TempDir
    static Path temp;

    private static TestExporter exporter;
    private static volatile String burnRate = "16.2";
    private static PrometheusProcess prometheus;

    @BeforeAll
    static void start() throws Exception {
        PrometheusProcess.require();
        exporter = TestExporter.start(() -> "# TYPE slo_burn_rate1h gauge\nslo_burn_rate1h{service=\"web\"} "
                + burnRate + "\n");
        prometheus = PrometheusProcess.builder(temp.resolve("prometheus")).scrape("app", exporter.target()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (exporter != null) {
            exporter.close();
        }
    }

    /** Sets the exporter's burn rate and waits (30 s at most) until Prometheus answers it. */
    private static void burnRateIs(String value) throws Exception {
        burnRate = value;
        prometheus.awaitValue("slo_burn_rate1h{service=\"web\"}", value::equals, Duration.ofSeconds(30));
    }

    private record Outcome(RunRecord run, List<String> decisions) {
    }

    private Outcome run(String guards, String name) throws Exception {
        return run(guards, name, false);
    }

    private Outcome run(String guards, String name, boolean dryRun) throws Exception {
        Path directory = Files.createDirectories(temp.resolve(name));
        Path config = Files.writeString(directory.resolve("quench.yaml"), "prometheus:\n  url: " + prometheus.url() + "\n");
        Path runbooks = Files.createDirectories(directory.resolve("runbooks"));
        Files.writeString(runbooks.resolve(name + ".yaml"), """
                name: %s
                description: restart web, unless the error budget says a person should decide
                owner: web-team
                guards:
                  %s
                steps:
                  - {id: act, uses: shell.exec, with: {command: "echo acted"}}
                """.formatted(name, guards));
        QuenchConfig loaded = ConfigLoader.load(config, directory.resolve("data"));
        String storeUrl = "jdbc:h2:file:" + directory.resolve("store");
        RunRecord run;
        try (LocalPlugins plugins = LocalPlugins.start(loaded)) {
            RunbookLoadResult result = new RunbookLoader(plugins.registry()).load(runbooks);
            assertThat(result.problems()).isEmpty();
            Runbook runbook = result.runbooks().getFirst();
            try (LocalRuns runs = LocalRuns.open(storeUrl, "sa", "", plugins.registry(), RunbookEnvironment.none(),
                    64 * 1024)) {
                run = runs.run(runbook, Map.of(), null, dryRun, "test");
            }
        }
        try (Store store = Store.open(storeUrl, "sa", "")) {
            return new Outcome(run, store.guards().decisions(run.id()).stream().map(GuardRepository.Decision::reason)
                    .toList());
        }
    }

    @Test
    void whileTheBudgetBurnsTheRunWaitsForApprovalWithTheValueAndOnceItRecoversItActs() throws Exception {
        String guards = "errorBudget: {query: 'slo_burn_rate1h{service=\"web\"}', above: 14.4, then: requireApproval}";

        burnRateIs("16.2");
        Outcome planned = run(guards, "planned", true);
        Outcome burning = run(guards, "burning");

        assertThat(planned.run().message()).isEqualTo("errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): "
                + "a real run would wait for approval");

        assertThat(burning.run().status()).as(burning.run().message()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(burning.run().message()).startsWith("errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): "
                + "the error budget is burning too fast for automation to act alone; waiting for approval: "
                + "quench runs approve " + burning.run().id());
        assertThat(burning.run().steps()).isEmpty();
        assertThat(burning.decisions()).containsExactly(
                "errorBudget: 16.2 > 14.4 (slo_burn_rate1h{service=\"web\"}): waiting for approval");

        burnRateIs("2.5");
        Outcome recovered = run(guards, "recovered");

        assertThat(recovered.run().status()).as(recovered.run().message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(recovered.run().steps()).singleElement()
                .satisfies(step -> assertThat(step.stdout()).contains("acted"));
        assertThat(recovered.decisions()).containsExactly(
                "errorBudget: 2.5, not above 14.4 (slo_burn_rate1h{service=\"web\"}): acting");
    }

    @Test
    void aQueryThatMatchesNothingIsRefusedWithSkipNeverActedOnBlindly() throws Exception {
        Outcome empty = run("errorBudget: {query: 'slo_burn_rate1h{service=\"nope\"}', above: 14.4, then: skip}", "empty");

        assertThat(empty.run().status()).isEqualTo(RunStatus.REFUSED);
        assertThat(empty.run().message()).isEqualTo("errorBudget: the error budget could not be read (the query "
                + "returned no series (is the recording rule loaded, and does the selector match?); query: "
                + "slo_burn_rate1h{service=\"nope\"}): the run was refused (then: skip acts only while the budget "
                + "allows it, and Quench does not act blindly)");
        assertThat(empty.run().steps()).isEmpty();
    }
}
