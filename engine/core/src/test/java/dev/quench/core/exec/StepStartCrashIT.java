package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.ServeProcess;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code quench serve} (embedded store) with SIGKILL the moment a step's side effect began, restarts it on
 * the same data, and checks that the step's start was in the store: the run is recorded interrupted in that step
 * and the step is not run a second time. The store groups its commits (one write for many); a step's start is one
 * of the writes that must reach the file before the engine goes on, so the side effect never outruns its record.
 */
class StepStartCrashIT {

    @TempDir
    Path temp;

    @Test
    void aStepWhoseSideEffectBeganIsRecordedStartedAfterAHardKill() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path marker = temp.resolve("began.txt");
        // Warm-up runs first (the same runbook, another alert), so the kill lands on a store busy with
        // the commits of other runs, as in production, not on a freshly opened file.
        Files.writeString(runbooks.resolve("mark.yaml"), """
                name: mark
                owner: test
                toil: {manualMinutes: 1}
                triggers:
                  alert:
                    matchers: ['alertname="Mark"']
                steps:
                  - id: prepare
                    uses: shell.exec
                    with:
                      command: "true"
                  - id: act
                    uses: shell.exec
                    with:
                      command: "if [ ${{ alert.labels.instance }} = target ]; then echo began >> %s; sleep 3; fi"
                """.formatted(marker));
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                executor: {maxConcurrentRuns: 4}
                """);

        try (ServeProcess first = ServeProcess.start(temp, temp.resolve("first.log"), "serve", "--config",
                config.toString())) {
            for (int i = 0; i < 20; i++) {
                assertThat(first.post("/hooks/alertmanager", token(), alert("warm-" + i)).statusCode()).isEqualTo(202);
            }
            assertThat(first.post("/hooks/alertmanager", token(), alert("target")).statusCode()).isEqualTo(202);
            Instant deadline = Instant.now().plusSeconds(30);
            while (!Files.exists(marker)) {
                assertThat(Instant.now()).as("waiting for the step's side effect; log:%n%s", first.output())
                        .isBefore(deadline);
                Thread.sleep(1);
            }
            first.killHard();
        }

        try (ServeProcess second = ServeProcess.start(temp, temp.resolve("second.log"), "serve", "--config",
                config.toString())) {
            JsonNode run = awaitTargetRunEnded(second);
            assertThat(run.path("status").asText()).as("run after the restart: %s", run).isEqualTo("interrupted");
            assertThat(run.path("message").asText()).contains("interrupted in step 'act'");
            JsonNode detail = Json.json().readTree(second.get("/api/v1/runs/" + run.path("id").asText(), token()).body());
            assertThat(detail.path("steps").findValuesAsText("stepId")).as("recorded steps: %s", detail)
                    .containsExactly("prepare", "act");
            assertThat(Files.readAllLines(marker)).as("the step ran once, not again after the restart")
                    .containsExactly("began");
        }
    }

    private JsonNode awaitTargetRunEnded(ServeProcess quench) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            Optional<JsonNode> target = targetRun(quench);
            if (target.isPresent() && !target.get().path("finishedAt").isMissingNode()
                    && !target.get().path("finishedAt").isNull()) {
                return target.get();
            }
            assertThat(Instant.now()).as("waiting for the target run to end; it is: %s", target).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private Optional<JsonNode> targetRun(ServeProcess quench) throws Exception {
        JsonNode alerts = Json.json().readTree(quench.get("/api/v1/alerts?limit=100", token()).body()).path("alerts");
        String alertId = null;
        for (JsonNode alert : alerts) {
            if (alert.findPath("labels").path("instance").asText().equals("target")) {
                alertId = alert.path("id").asText();
            }
        }
        JsonNode runs = Json.json().readTree(quench.get("/api/v1/runs?limit=100", token()).body()).path("runs");
        for (JsonNode run : runs) {
            if (alertId != null && run.path("alertId").asText().equals(alertId)) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    private String token() throws Exception {
        return Files.readString(temp.resolve("data/quench.token")).strip();
    }

    private static byte[] alert(String instance) {
        return ("""
                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                  "labels": {"alertname": "Mark", "instance": "%s"}, "fingerprint": "fp-%1$s",
                  "startsAt": "2026-11-21T10:00:00Z"}]}""").formatted(instance).getBytes(StandardCharsets.UTF_8);
    }
}
