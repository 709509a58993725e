package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs a dead node held, as the node taking them over handles them (here one H2 node starting
 * after a crash: every run left running is its own): a run that had not started a step runs again;
 * one that was inside a step is recorded interrupted with that step, after its onFailure and finally
 * steps ran, and its steps are not repeated, unless its runbook is resumable: true.
 */
class NodeDeathTest {

    @TempDir
    Path temp;

    @Test
    void theRunsOfADeadNodeAreQueuedAgainOrInterruptedWithTheirCleanup() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("careful.yaml"), """
                name: careful-fix
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart >> %1$s/restart"}}
                onFailure:
                  - {id: page, uses: shell.exec, with: {command: "echo ${{ run.failedStep }} >> %1$s/paged"}}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "echo x >> %1$s/cleaned"}}
                """.formatted(marks));
        Files.writeString(runbooks.resolve("resumable.yaml"), """
                name: resumable-fix
                resumable: true
                steps:
                  - {id: flush, uses: shell.exec, with: {command: "echo flush >> %s/flush"}}
                """.formatted(marks));
        Path configFile = temp.resolve("quench.yaml");
        Files.writeString(configFile, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                """);
        QuenchConfig config = ConfigLoader.load(configFile, temp.resolve("data"));
        String insideStep;
        String resumable;
        String beforeStep;
        Files.createDirectories(config.dataDirectory());
        try (Store store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword())) {
            insideStep = leftRunning(store, "careful-fix", Optional.of("restart"));
            resumable = leftRunning(store, "resumable-fix", Optional.of("flush"));
            beforeStep = leftRunning(store, "careful-fix", Optional.empty());
        }

        try (EngineHarness engine = EngineHarness.start(config)) {
            RunRecord interrupted = await(() -> engine.run(insideStep), RunStatus.INTERRUPTED);
            assertThat(interrupted.message()).startsWith("interrupted in step 'restart': the engine stopped while "
                    + "this run was running; its steps are not repeated");
            assertThat(interrupted.steps()).extracting(StepRecord::stepId).containsExactly("restart", "page", "cleanup");
            assertThat(interrupted.steps()).extracting(StepRecord::seq).containsExactly(1, 2, 3);
            assertThat(Files.readAllLines(marks.resolve("paged"))).containsExactly("restart");

            RunRecord requeued = await(() -> engine.run(beforeStep), RunStatus.SUCCEEDED);
            assertThat(requeued.steps()).extracting(StepRecord::stepId).containsExactly("restart", "cleanup");
            assertThat(Files.readAllLines(marks.resolve("restart"))).as("only the re-queued run restarted")
                    .hasSize(1);

            RunRecord resumed = await(() -> engine.run(resumable), RunStatus.INTERRUPTED);
            assertThat(resumed.message()).contains("resumable: true, so a new run starts it again");
            RunRecord again = await(() -> engine.engine().store().runs().list(null, "resumable-fix", 10).stream()
                    .filter(run -> !run.id().equals(resumable)).findFirst().orElse(null), RunStatus.SUCCEEDED);
            assertThat(again.triggerDetail()).startsWith("resumed: run " + resumable + " was interrupted in step 'flush'");
            assertThat(Files.readAllLines(marks.resolve("flush"))).containsExactly("flush");

            com.fasterxml.jackson.databind.JsonNode nodes = engine.getJson("/api/v1/nodes").get("nodes");
            assertThat(nodes).as("this node, registered with the address it serves on").anySatisfy(node -> {
                assertThat(node.get("id").asText()).matches(".+-[0-9a-f]{6}");
                assertThat(node.get("address").asText()).isEqualTo("127.0.0.1:" + engine.engine().port());
                assertThat(node.get("lastHeartbeat").isNull()).isFalse();
                assertThat(node.get("runningRuns").isArray()).isTrue();
            });
            assertThat(engine.post("/api/v1/nodes", new byte[0]).statusCode()).as("read only").isIn(404, 405);
        }
    }

    /** A run a node that died had claimed, inside {@code step} or before its first step. */
    private static String leftRunning(Store store, String runbook, Optional<String> step) {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        String id = "d-" + UUID.randomUUID();
        store.runs().insertQueued(new RunRecord(id, runbook, "team", TriggerType.MANUAL, "by test", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", created, null, null, List.of()));
        RunLease lease = store.runs().claim(id, "dead-node", created, created.plusSeconds(30)).orElseThrow();
        step.ifPresent(stepId -> store.runs().startStep(lease, new StepRecord(1, stepId, "shell.exec", "running",
                Map.of("command", "…"), null, "", "", "", created, null)));
        return id;
    }

    private static RunRecord await(Supplier<RunRecord> run, RunStatus status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            RunRecord found = run.get();
            if (found != null && found.status() == status) {
                return found;
            }
            assertThat(Instant.now()).as("waiting for %s, last seen %s", status, found).isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
