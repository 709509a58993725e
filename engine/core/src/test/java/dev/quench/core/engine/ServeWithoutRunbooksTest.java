package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.ServeProcess;
import dev.quench.core.util.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quench serve} started where there is no {@code ./runbooks}: it serves with no runbooks and
 * says so (webhooks are still recorded), and picks the directory up once it is created.
 */
class ServeWithoutRunbooksTest {

    @TempDir
    Path temp;

    @Test
    void serveWithoutARunbooksDirectoryServesSaysSoAndPicksItUpWhenCreated() throws Exception {
        Path log = temp.resolve("serve.log");
        try (ServeProcess serve = ServeProcess.start(temp, log, "serve", "--port", "0")) {
            String token = Files.readString(temp.resolve("data/quench.token")).strip();
            awaitOutput(serve, "(0 loaded");
            assertThat(serve.isAlive()).as(serve.output()).isTrue();
            assertThat(serve.output())
                    .contains("WARN")
                    .contains("runbooks directory " + temp.toRealPath().resolve("runbooks") + " does not exist")
                    .contains("(0 loaded, 0 with problems): the directory does not exist; create it, or pass --runbooks DIR")
                    .doesNotContain("Exception");

            byte[] alert = """
                    {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                      "labels": {"alertname": "Wedged", "instance": "web-1"}, "fingerprint": "fp-1",
                      "startsAt": "2026-11-21T10:00:00Z"}]}""".getBytes(StandardCharsets.UTF_8);
            assertThat(serve.post("/hooks/alertmanager", token, alert).statusCode()).isEqualTo(202);
            assertThat(serve.get("/health/ready", token).statusCode()).isEqualTo(200);

            Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
            Files.writeString(runbooks.resolve("fix.yaml"), """
                    name: fix
                    triggers:
                      alert:
                        matchers: ['alertname="Wedged"']
                    steps:
                      - id: work
                        uses: shell.exec
                        with: {command: echo fixed}
                    """);
            Instant deadline = Instant.now().plusSeconds(30);
            JsonNode loaded;
            do {
                Thread.sleep(200);
                loaded = Json.json().readTree(serve.get("/api/v1/runbooks", token).body());
            } while (!loaded.toString().contains("\"fix\"") && Instant.now().isBefore(deadline));
            assertThat(loaded.toString()).contains("\"fix\"");
            serve.terminate();
        }
    }

    private static void awaitOutput(ServeProcess serve, String text) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!serve.output().contains(text) && serve.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }
}
