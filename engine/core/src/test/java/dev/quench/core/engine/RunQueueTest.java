package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queued runs are rows with a bound: beyond {@code executor.maxQueuedPerRunbook} or
 * {@code executor.maxQueuedRuns} a run is recorded refused ("queue full"), never dropped; the queue
 * drains oldest first with no thread parked per queued run.
 */
class RunQueueTest {

    @TempDir
    Path temp;

    private EngineHarness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private EngineHarness start(String executor, Map<String, String> runbooks) throws Exception {
        Path directory = Files.createDirectories(temp.resolve("runbooks"));
        for (Map.Entry<String, String> runbook : runbooks.entrySet()) {
            Files.writeString(directory.resolve(runbook.getKey() + ".yaml"), runbook.getValue());
        }
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                executor: %s
                """.formatted(executor));
        harness = EngineHarness.start(ConfigLoader.load(config, temp.resolve("data")));
        return harness;
    }

    private static String runbook(String name, String command) {
        return """
                name: %s
                triggers:
                  alert:
                    matchers: ['alertname="DiskFull"']
                steps:
                  - {id: work, uses: shell.exec, with: {command: "%s"}}
                """.formatted(name, command);
    }

    /** One Alertmanager notification with {@code count} firing DiskFull alerts of distinct instances. */
    private void fire(int count) throws Exception {
        StringJoiner alerts = new StringJoiner(",");
        for (int i = 0; i < count; i++) {
            alerts.add("""
                    {"status": "firing", "labels": {"alertname": "DiskFull", "instance": "web-%d"},
                     "fingerprint": "fp-%d", "startsAt": "2026-11-21T10:00:00Z"}""".formatted(i, i));
        }
        String body = "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [" + alerts + "]}";
        assertThat(harness.post("/hooks/alertmanager", body.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(202);
    }

    private void post(String path) throws Exception {
        assertThat(harness.post(path, "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }

    private static List<RunRecord> withStatus(List<RunRecord> runs, RunStatus status) {
        return runs.stream().filter(run -> run.status() == status).toList();
    }

    /** Threads whose name starts with {@code prefix}, virtual ones included (from a JSON thread dump). */
    private int threadsNamed(String prefix) throws Exception {
        Path dump = temp.resolve("threads-" + System.nanoTime() + ".json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        int count = 0;
        for (JsonNode container : Json.json().readTree(dump.toFile()).path("threadDump").path("threadContainers")) {
            for (JsonNode thread : container.path("threads")) {
                if (thread.path("name").asText().startsWith(prefix)) {
                    count++;
                }
            }
        }
        Files.delete(dump);
        return count;
    }

    @Test
    void runsBeyondTheQueueLimitAreRefusedAndTheQueueDrainsOldestFirstWithoutAThreadPerQueuedRun() throws Exception {
        start("{maxConcurrentRuns: 1, maxQueuedPerRunbook: 20, maxQueuedRuns: 1000}",
                Map.of("clean", runbook("clean-disk", "sleep 0.05")));
        post("/api/v1/pause");

        fire(50);

        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(runs).hasSize(50);
        assertThat(withStatus(runs, RunStatus.QUEUED)).hasSize(20);
        assertThat(withStatus(runs, RunStatus.REFUSED)).hasSize(30).allSatisfy(run -> assertThat(run.message())
                .startsWith("queue full (20 queued for clean-disk, limit 20): the run was not started")
                .contains("executor.maxQueuedPerRunbook"));
        assertThat(harness.getJson("/api/v1/runs?status=refused&limit=100").path("runs")).hasSize(30);

        post("/api/v1/resume");
        int mostThreads = 0;
        AtomicInteger samples = new AtomicInteger();
        Instant deadline = Instant.now().plusSeconds(60);
        while (!harness.engine().dispatcher().idle() && Instant.now().isBefore(deadline)) {
            mostThreads = Math.max(mostThreads, threadsNamed("quench-run-"));
            samples.incrementAndGet();
        }
        assertThat(samples.get()).as("the drain was sampled while it ran").isPositive();
        // One slot: the run executing, and at most a moment's overlap with the one that just finished.
        assertThat(mostThreads).as("run threads while 20 runs were queued behind one slot").isLessThanOrEqualTo(3);

        List<RunRecord> drained = new ArrayList<>(withStatus(harness.awaitRuns(Duration.ofSeconds(60)),
                RunStatus.SUCCEEDED));
        assertThat(drained).hasSize(20);
        drained.sort(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id));
        for (int i = 1; i < drained.size(); i++) {
            assertThat(drained.get(i).startedAt()).as("run %d of the queue started after the one queued before it", i)
                    .isAfterOrEqualTo(drained.get(i - 1).finishedAt());
        }
    }

    @Test
    void theOverallQueueLimitCountsTheRunsOfEveryRunbook() throws Exception {
        start("{maxConcurrentRuns: 1, maxQueuedPerRunbook: 100, maxQueuedRuns: 10}",
                Map.of("a", runbook("clean-a", "true"), "b", runbook("clean-b", "true")));
        post("/api/v1/pause");

        fire(8);

        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(runs).hasSize(16);
        assertThat(withStatus(runs, RunStatus.QUEUED)).hasSize(10);
        assertThat(withStatus(runs, RunStatus.REFUSED)).hasSize(6).allSatisfy(run -> assertThat(run.message())
                .startsWith("queue full (10 queued in all, limit 10): the run was not started")
                .contains("executor.maxQueuedRuns"));
        post("/api/v1/resume");
        assertThat(withStatus(harness.awaitRuns(Duration.ofSeconds(60)), RunStatus.SUCCEEDED)).hasSize(10);
    }

    @Test
    void anUnknownExecutorKeyStopsTheStartNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExecutorSettings.from(
                        Json.yaml().readTree("{maxQueuedRun: 5}")))
                .hasMessage("executor.maxQueuedRun: unknown key — did you mean 'maxQueuedRuns'? (executor takes "
                        + "maxConcurrentRuns, maxQueuedPerRunbook, maxQueuedRuns, outputLimitBytes, shutdownGrace)");
    }
}
