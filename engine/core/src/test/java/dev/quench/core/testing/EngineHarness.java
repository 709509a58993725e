package dev.quench.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.boot.Engine;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunRecord;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A real engine on a free loopback port, with a client that talks to it like a sender would. */
public final class EngineHarness implements AutoCloseable {

    private final Engine engine;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EngineHarness(Engine engine) {
        this.engine = engine;
    }

    /** A config for tests: store and data under {@code dataDirectory}, loopback, free port. */
    public static QuenchConfig config(Path dataDirectory, Path runbooks) {
        return QuenchConfig.defaults(dataDirectory).withHost("127.0.0.1").withPort(0).withRunbooks(runbooks);
    }

    public static EngineHarness start(QuenchConfig config) throws Exception {
        return new EngineHarness(Engine.start(config));
    }

    /** An engine that returns as soon as it serves, while its runbooks may still load ({@link Engine#startServing}). */
    public static EngineHarness startServing(QuenchConfig config) throws Exception {
        return new EngineHarness(Engine.startServing(config));
    }

    public Engine engine() {
        return engine;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + engine.port() + path);
    }

    public HttpResponse<String> post(String path, byte[] body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts with the engine's API token. */
    public HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return post(path, body, engine.apiToken().value());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + engine.apiToken().value()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.json().readTree(response.body());
    }

    /**
     * Waits until every accepted alert is in the alert table and handed to the dispatcher (a 202 means
     * journaled; the expansion follows a moment later), as {@code GET /api/v1/ingest} reports it.
     */
    public void awaitIngested(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            long journaled;
            try {
                journaled = getJson("/api/v1/ingest").path("journalAlerts").asLong();
            } catch (java.io.IOException e) {
                throw new AssertionError("GET /api/v1/ingest failed", e);
            }
            if (journaled == 0) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(journaled + " accepted alert(s) still not expanded from the journal after "
                        + timeout);
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the engine has nothing in flight, then returns every run, newest first. */
    public List<RunRecord> awaitRuns(Duration timeout) throws InterruptedException {
        awaitIngested(timeout);
        if (!engine.dispatcher().awaitIdle(Instant.now().plus(timeout))) {
            throw new AssertionError("runs still in flight after " + timeout);
        }
        return engine.store().runs().list(null, null, 1000);
    }

    /**
     * Starts an engine on {@code runbooks}, posts {@code alertmanagerPayload} to the Alertmanager webhook and
     * returns the one run it started, once finished.
     */
    public static RunRecord runOnAlert(Path dataDirectory, Path runbooks, String alertmanagerPayload)
            throws Exception {
        try (EngineHarness harness = start(config(dataDirectory, runbooks))) {
            if (!harness.engine().runbooks().problems().isEmpty()) {
                throw new AssertionError("runbooks did not load: " + harness.engine().runbooks().problems());
            }
            HttpResponse<String> accepted = harness.post("/hooks/alertmanager",
                    alertmanagerPayload.getBytes(StandardCharsets.UTF_8));
            if (accepted.statusCode() != 202) {
                throw new AssertionError("webhook answered " + accepted.statusCode() + ": " + accepted.body());
            }
            List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
            if (runs.size() != 1) {
                throw new AssertionError("expected one run, got " + runs.size());
            }
            return harness.run(runs.get(0).id());
        }
    }

    public RunRecord run(String id) {
        return engine.store().runs().find(id).orElseThrow(() -> new AssertionError("no run " + id));
    }

    /** A file from src/test/resources. */
    public static byte[] resource(String name) {
        try (InputStream in = EngineHarness.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new AssertionError("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
