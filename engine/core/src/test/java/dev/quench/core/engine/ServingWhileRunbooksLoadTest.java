package dev.quench.core.engine;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quench serve} serves before its runbooks are loaded (docs/startup.md): what a sender and an
 * operator see in that window. Thousands of runbook files make the load take long enough for the
 * webhook to arrive during it on any machine this runs on; the assertions hold either way.
 */
class ServingWhileRunbooksLoadTest {

    private static final int FILLER_RUNBOOKS = 4_000;

    @TempDir
    Path temp;

    private Path runbooks() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo.yaml"), resource("fixtures/runbooks/echo-disk.yaml"));
        for (int i = 0; i < FILLER_RUNBOOKS; i++) {
            Files.writeString(runbooks.resolve("filler-" + i + ".yaml"), """
                    name: filler-%d
                    triggers:
                      alert:
                        matchers: ['alertname="Filler%d"']
                    steps:
                      - id: noop
                        uses: shell.exec
                        with: {command: "true"}
                    """.formatted(i, i));
        }
        return runbooks;
    }

    @Test
    void anAlertThatArrivesWhileRunbooksLoadIsStoredThenMatchedAndRun() throws Exception {
        Path runbooks = runbooks();
        try (EngineHarness harness = EngineHarness.startServing(EngineHarness.config(temp.resolve("data"), runbooks))) {
            HttpResponse<String> ready = harness.get("/health/ready");
            HttpResponse<String> webhook = harness.post("/hooks/alertmanager",
                    resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));

            assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
            if (ready.statusCode() == 503) {
                assertThat(ready.body()).contains("loading runbooks");
            } else {
                assertThat(ready.statusCode()).isEqualTo(200);
            }
            harness.engine().awaitReconciled();
            assertThat(harness.getJson("/health/ready").path("runbooks").asInt()).isEqualTo(FILLER_RUNBOOKS + 1);
            List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
            assertThat(runs).extracting(RunRecord::runbook).containsExactly("echo-disk", "echo-disk");
            assertThat(runs).extracting(RunRecord::status).containsOnly(RunStatus.SUCCEEDED);
            assertThat(harness.getJson("/api/v1/alerts?matched=false").path("alerts")).isEmpty();
        }
    }

    @Test
    void stoppingWhileRunbooksLoadWaitsForTheLoadThenStopsAndARestartKeepsEverything() throws Exception {
        Path runbooks = runbooks();
        EngineHarness first = EngineHarness.startServing(EngineHarness.config(temp.resolve("data"), runbooks));
        first.close();
        assertThat(first.engine().runbooks().loaded()).isTrue();

        try (EngineHarness second = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            assertThat(second.getJson("/health/ready").path("runbooks").asInt()).isEqualTo(FILLER_RUNBOOKS + 1);
        }
    }
}
