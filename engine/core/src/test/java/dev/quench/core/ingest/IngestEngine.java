package dev.quench.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real engine started from a real {@code quench.yaml} (so sources and ingest settings go through
 * the config loader), with a client that sends whatever headers a sender would. Either started at
 * once ({@link #start}) or, from {@link #perClass}, by JUnit for all the tests of a class.
 */
final class IngestEngine implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** A one-step runbook that echoes the instance of any DiskSpaceLow alert. */
    static final String RUNBOOK_DISK = new String(EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"),
            java.nio.charset.StandardCharsets.UTF_8);

    /** The running engine; for a {@link #perClass} one, from before the first test of the class. */
    EngineHarness harness;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String yaml;
    private final Map<String, String> runbooks;
    /** The temporary directory of a {@link #perClass} engine while it runs. */
    private Path directory;

    private IngestEngine(EngineHarness harness, String yaml, Map<String, String> runbooks) {
        this.harness = harness;
        this.yaml = yaml;
        this.runbooks = runbooks;
    }

    /** Starts an engine whose config is {@code yaml} plus data, runbooks and a loopback port. */
    static IngestEngine start(Path temp, String yaml, Map<String, String> runbooks) throws Exception {
        return new IngestEngine(startHarness(temp, yaml, runbooks), yaml, runbooks);
    }

    private static EngineHarness startHarness(Path temp, String yaml, Map<String, String> runbooks) throws Exception {
        Path runbookDirectory = Files.createDirectories(temp.resolve("runbooks"));
        for (Map.Entry<String, String> runbook : runbooks.entrySet()) {
            Files.writeString(runbookDirectory.resolve(runbook.getKey() + ".yaml"), runbook.getValue());
        }
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                """ + yaml);
        return EngineHarness.start(ConfigLoader.load(config, temp.resolve("data")));
    }

    /**
     * An engine for all the tests of a class, as a static {@code @RegisterExtension} field: started
     * (as by {@link #start}) in a new temporary directory before the first test, closed and its
     * directory deleted after the last.
     */
    static IngestEngine perClass(String yaml, Map<String, String> runbooks) {
        return new IngestEngine(null, yaml, runbooks);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (harness != null) {
            throw new IllegalStateException("this engine is already started: register one from perClass");
        }
        directory = Files.createTempDirectory("quench-ingest-");
        harness = startHarness(directory, yaml, runbooks);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (harness != null) {
                close();
            }
        } finally {
            harness = null;
            if (directory != null) {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
                directory = null;
            }
        }
    }

    HttpResponse<String> post(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(harness.uri(path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        boolean hasType = false;
        for (int index = 0; index < headers.length; index += 2) {
            request.header(headers[index], headers[index + 1]);
            hasType |= headers[index].equalsIgnoreCase("Content-Type");
        }
        if (!hasType) {
            request.header("Content-Type", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        return post(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Posts with the engine's API token as bearer. */
    HttpResponse<String> postWithToken(String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + harness.engine().apiToken().value();
        System.arraycopy(headers, 0, all, 2, headers.length);
        return post(path, body, all);
    }

    JsonNode alerts(String query) throws IOException, InterruptedException {
        harness.awaitIngested(java.time.Duration.ofSeconds(30));
        return harness.getJson("/api/v1/alerts" + query).path("alerts");
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.json().readTree(response.body());
    }

    @Override
    public void close() {
        harness.close();
    }
}
