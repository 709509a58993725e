package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine starts with the runbooks that load and reports the ones that do not. */
class BrokenRunbooksTest {

    @TempDir
    Path temp;

    @Test
    void serveStartsWithTheValidRunbooksAndReportsTheBrokenOnes() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("good.yaml"), """
                name: good
                owner: team
                toil: {manualMinutes: 5}
                triggers:
                  alert:
                    matchers: ['alertname="A"']
                steps:
                  - id: ok
                    uses: shell.exec
                    with: {command: 'true'}
                """);
        Files.writeString(runbooks.resolve("typo.yaml"), """
                name: typo
                owner: team
                steps:
                  - id: ok
                    uses: shell.exce
                    with: {command: 'true'}
                """);

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            JsonNode answer = harness.getJson("/api/v1/runbooks");

            assertThat(answer.path("runbooks")).hasSize(1);
            assertThat(answer.path("runbooks").get(0).path("name").asText()).isEqualTo("good");
            assertThat(answer.path("problems")).hasSize(1);
            assertThat(answer.path("problems").get(0).asText())
                    .startsWith(runbooks.resolve("typo.yaml") + ":5:")
                    .contains("shell.exce").contains("shell.exec");
        }
    }
}
