package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve notices edited runbook files; a broken edit keeps the last good version and says why. */
class RunbookHotReloadTest {

    @TempDir
    Path temp;

    private static String runbook(String name, String description) {
        return """
                name: %s
                description: %s
                steps:
                  - id: a
                    uses: shell.exec
                    with: {command: "true"}
                """.formatted(name, description);
    }

    private static JsonNode awaitRunbooks(EngineHarness harness, Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        JsonNode body;
        do {
            body = Json.json().readTree(harness.get("/api/v1/runbooks").body());
            if (condition.test(body)) {
                return body;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("runbooks did not reach the expected state within 20 s; last: " + body);
    }

    private static String description(JsonNode body, String name) {
        for (JsonNode runbook : body.get("runbooks")) {
            if (runbook.get("name").asText().equals(name)) {
                return runbook.get("description").asText();
            }
        }
        return null;
    }

    @Test
    void editsAreSwappedInAndABrokenEditKeepsTheLastGoodVersion() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path first = runbooks.resolve("first.yaml");
        Files.writeString(first, runbook("first", "version one"));
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            assertThat(description(awaitRunbooks(harness, body -> true), "first")).isEqualTo("version one");

            Files.writeString(runbooks.resolve("second.yaml"), runbook("second", "added"));
            Files.writeString(first, runbook("first", "version two"));
            JsonNode edited = awaitRunbooks(harness, body -> "version two".equals(description(body, "first"))
                    && description(body, "second") != null);
            assertThat(edited.get("problems")).isEmpty();

            Files.writeString(first, runbook("first", "version three").replace("uses: shell.exec", "usse: shell.exec"));
            JsonNode broken = awaitRunbooks(harness, body -> !body.get("problems").isEmpty());
            assertThat(description(broken, "first")).isEqualTo("version two");
            assertThat(broken.get("problems")).extracting(JsonNode::asText).containsExactly(
                    first + ":4:5: step 'a' has no uses: say which step type runs it, like uses: ssh.exec",
                    first + ":5:5: unknown field 'usse' in step 'a' — did you mean 'uses'?");
            assertThat(broken.get("kept")).hasSize(1);
            assertThat(broken.get("kept").get(0).get("name").asText()).isEqualTo("first");
            assertThat(broken.get("kept").get(0).get("reason").asText()).startsWith(first + ":4:5: step 'a' has no uses");
            assertThat(harness.engine().runbooks().find("first")).isPresent();

            Files.writeString(first, runbook("first", "version four"));
            Files.delete(runbooks.resolve("second.yaml"));
            JsonNode fixed = awaitRunbooks(harness, body -> "version four".equals(description(body, "first"))
                    && description(body, "second") == null);
            assertThat(fixed.get("problems")).isEmpty();
            assertThat(fixed.get("kept")).isEmpty();
        }
    }

    @Test
    void aRunbookThatNeverLoadedIsNotInService() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("good.yaml"), runbook("good", "fine"));
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            Files.writeString(runbooks.resolve("bad.yaml"), "name: bad\nsteps: []\n");

            JsonNode body = awaitRunbooks(harness, current -> !current.get("problems").isEmpty());

            assertThat(body.get("runbooks")).hasSize(1);
            assertThat(body.get("kept")).isEmpty();
        }
    }
}
