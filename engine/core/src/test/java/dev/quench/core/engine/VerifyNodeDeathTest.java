package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose node died while it was verifying is inside a step (cluster mode's rule): the node taking it over
 * records it interrupted in its verify step, after its onFailure and finally steps ran, and repeats nothing.
 */
class VerifyNodeDeathTest {

    @TempDir
    Path temp;

    @Test
    void aRunInsideVerifyWhenItsNodeDiedIsInterruptedInItsVerifyStep() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fix.yaml"), """
                name: fix
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart >> %1$s/restart"}}
                verify:
                  - {id: healthy, uses: shell.exec, with: {command: "echo check >> %1$s/checked"}}
                onFailure:
                  - {id: page, uses: shell.exec, with: {command: "echo ${{ run.failedStep }} >> %1$s/paged"}}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "echo x >> %1$s/cleaned"}}
                """.formatted(marks));
        Path configFile = Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                """);
        QuenchConfig config = ConfigLoader.load(configFile, temp.resolve("data"));
        Files.createDirectories(config.dataDirectory());
        String id = "d-verify";
        try (Store store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword())) {
            Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
            store.runs().insertQueued(new RunRecord(id, "fix", "team", TriggerType.MANUAL, "by test", null,
                    RunStatus.QUEUED, false, Map.of(), 5, 0, "", created, null, null, List.of()));
            RunLease lease = store.runs().claim(id, "dead-node", created, created.plusSeconds(30)).orElseThrow();
            StepRecord restart = new StepRecord(1, "restart", "shell.exec", "running", Map.of(), null, "", "", "",
                    created, null);
            store.runs().startStep(lease, restart);
            store.runs().finishStep(lease, new StepRecord(1, "restart", "shell.exec", "succeeded", Map.of(), 0, "", "",
                    "", created, created.plusSeconds(1)));
            store.runs().startStep(lease, new StepRecord(2, "healthy", "shell.exec", "running", Map.of(), null, "", "",
                    "", created.plusSeconds(1), null).withPhase(StepRecord.PHASE_VERIFY));
        }

        try (EngineHarness engine = EngineHarness.start(config)) {
            Instant deadline = Instant.now().plusSeconds(30);
            RunRecord run = engine.run(id);
            while (run.status() != RunStatus.INTERRUPTED) {
                assertThat(Instant.now()).as("waiting for the takeover, last seen %s", run).isBefore(deadline);
                Thread.sleep(50);
                run = engine.run(id);
            }

            assertThat(run.message()).startsWith("interrupted in step 'healthy'");
            assertThat(run.toilSavedMinutes()).isZero();
            assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase)
                    .containsExactly(tuple("restart", "run"), tuple("healthy", "verify"), tuple("page", "run"),
                            tuple("cleanup", "run"));
            assertThat(Files.readAllLines(marks.resolve("paged"))).containsExactly("healthy");
            assertThat(marks.resolve("restart")).as("steps are not repeated").doesNotExist();
            assertThat(marks.resolve("checked")).as("nor the verify steps").doesNotExist();
            assertThat(marks.resolve("cleaned")).exists();
        }
    }
}
