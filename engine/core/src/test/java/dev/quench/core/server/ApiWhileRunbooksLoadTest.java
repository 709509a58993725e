package dev.quench.core.server;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API calls that need the runbooks, made while {@code quench serve} still loads them: they answer
 * 503 with Retry-After at once instead of waiting on the event loop (which stalled every other
 * request, health checks included, until the load ended). The load is held open by a runbooks file
 * that is a named pipe: reading it waits until the test writes the runbook into it.
 */
class ApiWhileRunbooksLoadTest {

    private static final Duration QUICK = Duration.ofSeconds(10);

    @TempDir
    Path temp;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(QUICK).build();

    private HttpResponse<String> call(EngineHarness harness, String method, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + harness.engine().port() + path))
                        .header("Authorization", "Bearer " + harness.engine().apiToken().value())
                        .header("Content-Type", "application/json")
                        .timeout(QUICK)
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiCallsThatNeedRunbooksAnswer503WithRetryAfterWhileTheyLoad() throws Exception {
        // The runbooks path is one file, a named pipe: the load reads it, and waits until the test writes.
        Path pipe = temp.resolve("echo.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo " + pipe).isTrue();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> written = new CompletableFuture<>();
        try (EngineHarness harness = EngineHarness.startServing(EngineHarness.config(temp.resolve("data"), pipe))) {
            try {
                HttpResponse<String> list = call(harness, "GET", "/api/v1/runbooks", null);
                HttpResponse<String> start = call(harness, "POST", "/api/v1/runs", "{\"runbook\": \"echo-disk\"}");
                HttpResponse<String> live = call(harness, "GET", "/health/live", null);

                assertThat(harness.engine().runbooks().loaded()).as("the load waits for the pipe").isFalse();
                for (HttpResponse<String> refused : List.of(list, start)) {
                    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                    assertThat(refused.headers().firstValue("Retry-After")).contains("2");
                    JsonNode answer = Json.json().readTree(refused.body());
                    assertThat(answer.path("error").asText()).isEqualTo("runbooks are still loading");
                    assertThat(answer.path("detail").asText()).isEqualTo("Quench is loading the runbooks in "
                            + pipe.toAbsolutePath() + " (start-up); retry in 2 s — GET /health/ready answers 200 "
                            + "once they are loaded (if this lasts, the load failed: see the log)");
                }
                assertThat(live.statusCode()).isEqualTo(200);
            } finally {
                // Always end the load, or stopping the engine would wait for it. Later readers of the pipe
                // (the runbook watcher opens the path) get an empty write each, so none of them waits for ever.
                Thread.ofPlatform().daemon(true).name("pipe-writer").start(() -> {
                    byte[] content = resource("fixtures/runbooks/echo-disk.yaml");
                    while (!stop.get()) {
                        try (OutputStream out = Files.newOutputStream(pipe)) {
                            out.write(content);
                            content = new byte[0];
                            written.complete(null);
                        } catch (Exception e) {
                            written.completeExceptionally(e);
                            return;
                        }
                    }
                });
                written.get(30, TimeUnit.SECONDS);
            }
            harness.engine().awaitReconciled();

            HttpResponse<String> loaded = call(harness, "GET", "/api/v1/runbooks", null);
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
            assertThat(Json.json().readTree(loaded.body()).path("runbooks").findValuesAsText("name")).contains("echo-disk");
        } finally {
            stop.set(true);
            if (written.isDone()) {
                Files.readAllBytes(pipe); // meets the writer's last open, so it sees the stop and ends
            }
        }
    }
}
