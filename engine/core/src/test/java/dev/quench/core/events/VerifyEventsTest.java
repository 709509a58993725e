package dev.quench.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's live events say which steps are verify checks ({@code phase}); GET /api/v1/runbooks lists them and a dry
 * run through the API plans them (section verify).
 */
class VerifyEventsTest {

    @TempDir
    Path temp;

    @Test
    void stepEventsCarryTheirPhase() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fix.yaml"), """
                name: fix
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "sleep 1; echo restarted"}}
                verify:
                  - {id: healthy, uses: shell.exec, with: {command: "echo healthy"}}
                """);
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            var listed = harness.getJson("/api/v1/runbooks").path("runbooks").get(0).path("verify");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("id").asText()).isEqualTo("healthy");
            assertThat(listed.get(0).path("uses").asText()).isEqualTo("shell.exec");
            HttpResponse<String> planned = harness.post("/api/v1/runs",
                    "{\"runbook\": \"fix\", \"dryRun\": true}".getBytes(StandardCharsets.UTF_8));
            assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
            var plan = Json.json().readTree(planned.body());
            assertThat(plan.path("steps").get(1).path("id").asText()).isEqualTo("healthy");
            assertThat(plan.path("steps").get(1).path("section").asText()).isEqualTo("verify");
            assertThat(plan.path("verify").get(0).asText()).isEqualTo("healthy (shell.exec)");

            HttpResponse<String> started = harness.post("/api/v1/runs",
                    "{\"runbook\": \"fix\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = Json.json().readTree(started.body()).path("id").asText();

            List<SseClient.Received> events;
            try (SseClient stream = SseClient.open(harness.uri("/api/v1/runs/" + id + "/events"),
                    harness.engine().apiToken().value(), null)) {
                events = stream.untilClosed(Duration.ofSeconds(30));
            }

            assertThat(events).filteredOn(event -> event.event().startsWith("step-"))
                    .extracting(SseClient.Received::event, event -> event.data().path("step").asText(),
                            event -> event.data().path("phase").asText())
                    .containsExactly(tuple("step-started", "restart", "run"), tuple("step-finished", "restart", "run"),
                            tuple("step-started", "healthy", "verify"), tuple("step-finished", "healthy", "verify"));
        }
    }
}
