package dev.quench.core.cli;

import dev.quench.core.server.ApiToken;
import dev.quench.core.util.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --server URL} and its token, for commands that change a running engine (approve, pause...). */
final class ServerOptions {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:9095",
            description = "the running engine (default: ${DEFAULT-VALUE})")
    URI server;

    @Option(names = "--data", paramLabel = "DIR", description = "where to find quench.token (default: ./data)")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "API token (default: $QUENCH_TOKEN, else DATA/quench.token)")
    Path tokenFile;

    /** POSTs {@code json} to {@code path}; returns the status and the parsed answer. */
    Answer post(String path, String json) throws IOException, InterruptedException {
        URI uri = server.resolve(path);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token())
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach Quench at " + server + ": " + e.getMessage()
                    + " — is 'quench serve' running there? (--server URL)", e);
        }
        return new Answer(response.statusCode(), Json.json().readTree(response.body()));
    }

    /** GETs {@code path}; returns the status and the parsed answer. */
    Answer get(String path) throws IOException, InterruptedException {
        URI uri = server.resolve(path);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token())
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach Quench at " + server + ": " + e.getMessage()
                    + " — is 'quench serve' running there? (--server URL)", e);
        }
        return new Answer(response.statusCode(), Json.json().readTree(response.body()));
    }

    /**
     * POSTs a change: {@code {"reason": WHY}} plus {@code extra} fields. The engine records the token's
     * name as who made it.
     */
    Answer postWithReason(String path, String reason, java.util.Map<String, Object> extra)
            throws IOException, InterruptedException {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>(extra);
        body.put("reason", reason == null ? "" : reason);
        return post(path, Json.json().writeValueAsString(body));
    }

    record Answer(int status, JsonNode body) {

        /** The error text of a non-2xx answer: "error: detail". */
        String error() {
            return body.path("error").asText() + (body.path("detail").asText().isEmpty() ? ""
                    : ": " + body.path("detail").asText());
        }
    }

    String token() throws IOException {
        String token = System.getenv("QUENCH_TOKEN");
        if (tokenFile == null && token != null) {
            return token;
        }
        Path file = tokenFile != null ? tokenFile : (data != null ? data : Path.of("data")).resolve("quench.token");
        if (!Files.exists(file)) {
            throw new IOException("no API token: set QUENCH_TOKEN or pass --token-file (looked in " + file + ")");
        }
        return ApiToken.load(file).value();
    }
}
