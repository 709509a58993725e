package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping Quench while runs are queued and running: no run starts once the stop has begun, queued
 * runs stay queued and start after the next start, and a running run gets {@code executor.shutdownGrace},
 * then is cancelled with its finally steps run: recorded {@code cancelled}, its message saying
 * "interrupted by shutdown".
 */
class RunShutdownTest {

    @TempDir
    Path temp;

    @Test
    void aStopStartsNoQueuedRunAndInterruptsTheRunningOneAfterItsGraceWithItsFinallySteps() throws Exception {
        Path cleaned = temp.resolve("cleaned");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("slow.yaml"), """
                name: slow-fix
                steps:
                  - {id: wait, uses: shell.exec, with: {command: "sleep 20"}, timeout: 2m}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "touch %s"}, timeout: 20s}
                """.formatted(cleaned));
        Files.writeString(runbooks.resolve("quick.yaml"), """
                name: quick-fix
                steps:
                  - {id: echo, uses: shell.exec, with: {command: "echo done"}}
                """);
        Path configFile = temp.resolve("quench.yaml");
        Files.writeString(configFile, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                executor: {maxConcurrentRuns: 1, shutdownGrace: 1s}
                """);
        QuenchConfig config = ConfigLoader.load(configFile, temp.resolve("data"));

        EngineHarness first = EngineHarness.start(config);
        String slow = startRun(first, "slow-fix");
        Instant deadline = Instant.now().plusSeconds(30);
        while (first.run(slow).steps().isEmpty()) {
            assertThat(Instant.now()).as("waiting for the slow step to start").isBefore(deadline);
            Thread.sleep(20);
        }
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(startRun(first, "quick-fix"));
        }

        Instant stopBegan = Instant.now();
        first.close();
        Duration stopping = Duration.between(stopBegan, Instant.now());

        assertThat(stopping).as("the grace (1s) and the finally step, not the 20s sleep")
                .isLessThan(Duration.ofSeconds(15));
        try (Store store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword())) {
            RunRecord interrupted = store.runs().find(slow).orElseThrow();
            assertThat(interrupted.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(interrupted.message()).startsWith("interrupted by shutdown: Quench stopped and waited 1s "
                    + "(executor.shutdownGrace) for this run, then cancelled it; its finally steps ran");
            assertThat(interrupted.steps()).extracting(step -> step.stepId()).containsExactly("wait", "cleanup");
            assertThat(interrupted.steps().get(1).status()).isEqualTo("succeeded");
            assertThat(cleaned).exists();
            for (String id : queued) {
                RunRecord waiting = store.runs().find(id).orElseThrow();
                assertThat(waiting.status()).as("run %s after the stop", id).isEqualTo(RunStatus.QUEUED);
                assertThat(waiting.startedAt()).isNull();
            }
            assertThat(store.runs().list(null, null, 100)).allSatisfy(run -> {
                if (run.startedAt() != null) {
                    assertThat(run.startedAt()).as("run %s started before the stop began", run.id())
                            .isBefore(stopBegan);
                }
            });
        }

        try (EngineHarness second = EngineHarness.start(config)) {
            second.awaitRuns(Duration.ofSeconds(60));
            for (String id : queued) {
                assertThat(second.run(id).status()).as("queued run %s after the next start", id)
                        .isEqualTo(RunStatus.SUCCEEDED);
            }
            assertThat(second.run(slow).status()).as("an interrupted run is not repeated").isEqualTo(RunStatus.CANCELLED);
        }
    }

    private static String startRun(EngineHarness harness, String runbook) throws Exception {
        var answer = harness.post("/api/v1/runs", ("{\"runbook\": \"" + runbook + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return Json.json().readTree(answer.body()).path("id").asText();
    }
}
