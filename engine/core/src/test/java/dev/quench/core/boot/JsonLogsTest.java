package dev.quench.core.boot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code logging.format: json}: every line is one JSON object, and the lines of a run carry its id and runbook. */
class JsonLogsTest {

    @TempDir
    Path temp;

    private PrintStream originalErr;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> console;
    private Encoder<ILoggingEvent> textEncoder;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void captureTheConsole() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        console = (OutputStreamAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender("STDERR");
        textEncoder = console.getEncoder();
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreTheConsole() {
        System.setErr(originalErr);
        // Other tests in this JVM read text lines: put the configured encoder back.
        console.stop();
        console.setEncoder(textEncoder);
        console.start();
    }

    @Test
    void eachLineIsJsonAndARunsLinesNameTheRunAndRunbook() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("hello.yaml"), """
                name: hello
                steps:
                  - id: greet
                    uses: shell.exec
                    with: {command: 'echo hi'}
                """);
        var config = EngineHarness.config(temp.resolve("data"), runbooks)
                .withSections(Map.of("logging", Json.json().readTree("{\"format\": \"json\"}")));
        RunRecord run;
        try (EngineHarness harness = EngineHarness.start(config)) {
            assertThat(harness.post("/api/v1/runs", "{\"runbook\": \"hello\"}".getBytes(StandardCharsets.UTF_8))
                    .statusCode()).isEqualTo(202);
            run = harness.awaitRuns(Duration.ofSeconds(60)).getFirst();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.json().readTree(line));
            }
        }
        assertThat(lines).isNotEmpty().allSatisfy(line -> {
            assertThat(line.path("level").asText()).isNotEmpty();
            assertThat(line.path("loggerName").asText()).isNotEmpty();
            assertThat(line.has("formattedMessage")).isTrue();
        });
        assertThat(lines).anySatisfy(line -> assertThat(line.path("formattedMessage").asText())
                .startsWith("Quench listening on http://127.0.0.1:"));
        JsonNode finished = lines.stream()
                .filter(line -> line.path("formattedMessage").asText().equals("run " + run.id() + " of hello succeeded"))
                .findFirst().orElseThrow(() -> new AssertionError("no line for the run in " + lines));
        assertThat(finished.path("mdc").path("run_id").asText()).isEqualTo(run.id());
        assertThat(finished.path("mdc").path("runbook").asText()).isEqualTo("hello");
    }
}
