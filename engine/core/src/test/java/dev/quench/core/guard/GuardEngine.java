package dev.quench.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real engine with the given runbooks, and the calls the guard tests make against its API. */
final class GuardEngine implements AutoCloseable {

    final EngineHarness harness;

    private GuardEngine(EngineHarness harness) {
        this.harness = harness;
    }

    static GuardEngine start(Path temp, Map<String, String> runbooks) throws Exception {
        Path runbookDirectory = Files.createDirectories(temp.resolve("runbooks"));
        for (Map.Entry<String, String> runbook : runbooks.entrySet()) {
            Files.writeString(runbookDirectory.resolve(runbook.getKey() + ".yaml"), runbook.getValue());
        }
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                """);
        return new GuardEngine(EngineHarness.start(ConfigLoader.load(config, temp.resolve("data"))));
    }

    /** Posts an Alertmanager notification with one firing alert; expects 202. */
    void fire(String alertname, String instance, String fingerprint) throws Exception {
        String body = """
                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                  "labels": {"alertname": "%s", "instance": "%s"}, "fingerprint": "%s",
                  "startsAt": "2026-11-21T10:00:00Z"}]}""".formatted(alertname, instance, fingerprint);
        int status = harness.post("/hooks/alertmanager", body.getBytes(StandardCharsets.UTF_8)).statusCode();
        if (status != 202) {
            throw new AssertionError("webhook answered " + status);
        }
    }

    /** POSTs {@code body} to an API path and returns the status and JSON answer. */
    Answer post(String path, String body) throws IOException, InterruptedException {
        var response = harness.post(path, body.getBytes(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), Json.json().readTree(response.body()));
    }

    JsonNode runs(String query) throws IOException, InterruptedException {
        return harness.getJson("/api/v1/runs" + query).path("runs");
    }

    List<RunRecord> settled() throws InterruptedException {
        return harness.awaitRuns(Duration.ofSeconds(30));
    }

    record Answer(int status, JsonNode json) {
    }

    @Override
    public void close() {
        harness.close();
    }
}
