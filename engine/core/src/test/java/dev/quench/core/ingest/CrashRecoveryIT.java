package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.ServeProcess;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code quench serve} with SIGKILL after it accepted an alert (202) and before its run
 * started, restarts it on the same data, and checks the run happens exactly once — also when
 * Alertmanager re-delivers the alert to the new process.
 */
class CrashRecoveryIT {

    @TempDir
    Path temp;

    private static byte[] alert(String name, String instance) {
        return ("""
                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                  "labels": {"alertname": "%s", "instance": "%s"}, "fingerprint": "fp-%2$s",
                  "startsAt": "2026-11-21T10:00:00Z"}]}""").formatted(name, instance).getBytes(StandardCharsets.UTF_8);
    }

    private String token() throws Exception {
        return Files.readString(temp.resolve("data/quench.token")).strip();
    }

    private JsonNode runs(ServeProcess quench) throws Exception {
        return Json.json().readTree(quench.get("/api/v1/runs?limit=100", token()).body()).path("runs");
    }

    private static List<String> statusesOf(JsonNode runs, String runbook) {
        return runs.findParents("runbook").stream().filter(run -> run.path("runbook").asText().equals(runbook))
                .map(run -> run.path("status").asText()).toList();
    }

    @Test
    void anAcceptedAlertRunsExactlyOnceAfterAHardKillAndRestart() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path marker = temp.resolve("ran.txt");
        Files.writeString(runbooks.resolve("busy.yaml"), """
                name: busy
                owner: test
                toil: {manualMinutes: 1}
                triggers:
                  alert:
                    matchers: ['alertname="Busy"']
                steps:
                  - id: hold
                    uses: shell.exec
                    with:
                      command: sleep 20
                """);
        Files.writeString(runbooks.resolve("fix.yaml"), """
                name: fix
                owner: test
                toil: {manualMinutes: 10}
                triggers:
                  alert:
                    matchers: ['alertname="DiskSpaceLow"']
                steps:
                  - id: record
                    uses: shell.exec
                    with:
                      command: echo ${{ alert.labels.instance }} >> %s
                """.formatted(marker));
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                executor: {maxConcurrentRuns: 1}
                """);

        try (ServeProcess first = ServeProcess.start(temp, temp.resolve("first.log"), "serve", "--config",
                config.toString())) {
            assertThat(first.post("/hooks/alertmanager", token(), alert("Busy", "b-1")).statusCode()).isEqualTo(202);
            awaitStatus(first, "busy", "running");
            assertThat(first.post("/hooks/alertmanager", token(), alert("DiskSpaceLow", "web-7")).statusCode())
                    .isEqualTo(202);
            awaitStatus(first, "fix", "queued");
            first.killHard();
        }
        assertThat(marker).doesNotExist();

        try (ServeProcess second = ServeProcess.start(temp, temp.resolve("second.log"), "serve", "--config",
                config.toString())) {
            awaitStatus(second, "fix", "succeeded");
            // Alertmanager did get its 202, but a re-delivery of the same notification is normal.
            assertThat(second.post("/hooks/alertmanager", token(), alert("DiskSpaceLow", "web-7")).body())
                    .contains("\"duplicates\":1");
            Thread.sleep(500);
            JsonNode runs = runs(second);
            assertThat(statusesOf(runs, "fix")).containsExactly("succeeded");
            // It was inside its step when the engine died: recorded interrupted, not run again (it is not resumable).
            assertThat(statusesOf(runs, "busy")).containsExactly("interrupted");
            assertThat(Files.readAllLines(marker)).containsExactly("web-7");
        }
    }

    private void awaitStatus(ServeProcess quench, String runbook, String status) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!statusesOf(runs(quench), runbook).contains(status)) {
            assertThat(Instant.now()).as("waiting for a %s run of %s; runs: %s", status, runbook, runs(quench))
                    .isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
