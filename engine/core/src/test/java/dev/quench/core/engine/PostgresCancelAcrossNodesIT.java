package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EmbeddedPostgresServer;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one PostgreSQL: a cancel (and {@code pause} with cancelRunning) sent to the node that
 * does not execute the run stops it on the node that does, at that node's next heartbeat.
 */
class PostgresCancelAcrossNodesIT {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    @TempDir
    Path temp;

    @Test
    void aCancelSentToAnotherNodeStopsTheRunWhereItExecutes() throws Exception {
        Path marks = Files.createDirectories(temp.resolve("marks"));
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("slow.yaml"), """
                name: slow-fix
                steps:
                  - {id: wait, uses: shell.exec, with: {command: "sleep 60"}, timeout: 120s}
                finally:
                  - {id: cleanup, uses: shell.exec, with: {command: "echo x >> %s/cleaned"}}
                """.formatted(marks));
        String store = POSTGRES.newDatabaseUrl();
        try (EngineHarness first = node("first", runbooks, store); EngineHarness second = node("second", runbooks, store)) {
            String one = start(first);
            String two = start(first);
            // Wait until both run (on either node), then cancel each through the node that does not execute it.
            JsonNode nodes = awaitRunning(first, List.of(one, two));
            Instant asked = Instant.now();
            for (String id : List.of(one, two)) {
                assertThat(executes(nodes, first, id)).as("run " + id + " is held by exactly one node: " + nodes)
                        .isNotEqualTo(executes(nodes, second, id));
                EngineHarness other = executes(nodes, first, id) ? second : first;
                HttpResponse<String> cancel = other.post("/api/v1/runs/" + id + "/cancel",
                        "{\"reason\": \"wrong host\"}".getBytes(StandardCharsets.UTF_8));
                assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
            }
            for (String id : List.of(one, two)) {
                RunRecord cancelled = await(first, id, RunStatus.CANCELLED);
                assertThat(cancelled.message()).contains("wrong host");
                assertThat(cancelled.steps()).extracting(step -> step.stepId()).containsExactly("wait", "cleanup");
            }
            assertThat(Duration.between(asked, Instant.now())).as("within a heartbeat (1s) and the step's stop")
                    .isLessThan(Duration.ofSeconds(20));
            assertThat(Files.readAllLines(marks.resolve("cleaned"))).hasSize(2);

            // pause --cancel-running on one node stops the runs executing on both.
            String three = start(second);
            String four = start(second);
            awaitRunning(second, List.of(three, four));
            HttpResponse<String> pause = first.post("/api/v1/pause",
                    "{\"reason\": \"incident\", \"cancelRunning\": true}".getBytes(StandardCharsets.UTF_8));
            assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
            assertThat(Json.json().readTree(pause.body()).path("cancelled").toString()).contains(three, four);
            await(second, three, RunStatus.CANCELLED);
            await(second, four, RunStatus.CANCELLED);
            assertThat(first.post("/api/v1/resume", "{\"reason\": \"over\"}".getBytes(StandardCharsets.UTF_8))
                    .statusCode()).isEqualTo(200);
        }
    }

    private EngineHarness node(String name, Path runbooks, String store) throws Exception {
        Path configFile = temp.resolve(name + ".yaml");
        Files.writeString(configFile, """
                data: %s
                runbooks: %s
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s", user: postgres, password: ""}
                cluster: {nodeId: %s, leaseDuration: 3s, heartbeat: 1s}
                """.formatted(temp.resolve(name + "-data"), runbooks, store,
                name));
        Files.createDirectories(temp.resolve(name + "-data"));
        return EngineHarness.start(ConfigLoader.load(configFile, temp.resolve(name + "-data")));
    }

    private static String start(EngineHarness node) throws Exception {
        HttpResponse<String> started = node.post("/api/v1/runs",
                "{\"runbook\": \"slow-fix\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(started.statusCode()).as(started.body()).isIn(200, 201, 202);
        return Json.json().readTree(started.body()).path("id").asText();
    }

    /** The node list once every run in {@code ids} is running and held by a node. */
    private static JsonNode awaitRunning(EngineHarness node, List<String> ids) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            JsonNode nodes = node.getJson("/api/v1/nodes").path("nodes");
            String held = nodes.toString();
            if (ids.stream().allMatch(held::contains)
                    && ids.stream().allMatch(id -> node.run(id).status() == RunStatus.RUNNING
                    && !node.run(id).steps().isEmpty())) {
                return nodes;
            }
            assertThat(Instant.now()).as("runs " + ids + " running; nodes: " + held).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static boolean executes(JsonNode nodes, EngineHarness node, String runId) {
        for (JsonNode listed : nodes) {
            if (listed.path("address").asText().endsWith(":" + node.engine().port())) {
                return listed.path("runningRuns").toString().contains(runId);
            }
        }
        return false;
    }

    private static RunRecord await(EngineHarness node, String id, RunStatus status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            RunRecord run = node.run(id);
            if (run != null && run.status() == status) {
                return run;
            }
            assertThat(Instant.now()).as("run " + id + " " + status + "; now " + (run == null ? "missing" : run.status()
                    + " " + run.message())).isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
