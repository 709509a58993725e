package dev.quench.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.boot.ServingAddress;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.server.ApiToken;
import dev.quench.core.store.DataDirectory;
import dev.quench.core.store.Store;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code quench tokens} and {@code quench audit} act: a running engine ({@code --server URL}, or
 * the engine serving on {@code --data DIR}) through its API with a token, else the embedded store of
 * {@code --data DIR} directly (whoever can open the data directory is its admin).
 */
final class AdminTarget {

    @Option(names = "--server", paramLabel = "URL", description = "a running engine, e.g. http://localhost:9095")
    URI server;

    @Option(names = "--data", paramLabel = "DIR", description = "the engine's data directory (default: ./data): "
            + "through the engine that serves on it, else its store directly")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "token for the engine (default: $QUENCH_TOKEN, else DATA/quench.token)")
    Path tokenFile;

    /** A running engine, with the token to use. */
    record Remote(URI server, String token) {

        Answer send(String method, String path, String json) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IOException("cannot reach Quench at " + server + ": " + e.getMessage()
                        + " — is 'quench serve' running there? (--server URL)", e);
            }
            return new Answer(response.statusCode(), Json.json().readTree(response.body()));
        }
    }

    /** An HTTP answer: its status and JSON body. */
    record Answer(int status, JsonNode body) {

        String error() {
            return body.path("error").asText() + (body.path("detail").asText().isEmpty() ? ""
                    : ": " + body.path("detail").asText());
        }

        /** Exit code of a refusal: 2 for bad input (400, 404, 409, 422), 1 otherwise. */
        int exitCode() {
            return status == 400 || status == 404 || status == 409 || status == 422 ? 2 : 1;
        }
    }

    /** The running engine to talk to, or empty when the data directory's store is to be opened directly. */
    Optional<Remote> remote() throws IOException {
        if (server != null) {
            return Optional.of(new Remote(server, token(dataDirectory())));
        }
        Path directory = dataDirectory();
        Optional<URI> serving = ServingAddress.read(directory);
        if (serving.isPresent() && DataDirectory.storeInUse(directory)) {
            return Optional.of(new Remote(serving.get(), token(directory)));
        }
        return Optional.empty();
    }

    /** Opens the data directory's embedded store (when no engine serves on it). */
    Store openStore() throws IOException {
        Path directory = dataDirectory();
        if (!Files.isRegularFile(directory.resolve("quench.mv.db"))) {
            throw new IOException("no Quench store in " + directory
                    + ": pass --data DIR (where 'quench serve' keeps its store) or --server URL");
        }
        if (DataDirectory.storeInUse(directory)) {
            throw new IOException("the store in " + directory + " is open in another process (a running 'quench "
                    + "serve'): pass --server URL");
        }
        QuenchConfig config = QuenchConfig.defaults(directory);
        return Store.open(config.storeUrl(), config.storeUser(), config.storePassword());
    }

    /** Who acts when the store is opened directly: the local user, recorded as {@code local:USER}. */
    static String localActor() {
        return "local:" + System.getProperty("user.name", "unknown");
    }

    private Path dataDirectory() {
        return (data != null ? data : Path.of("data")).toAbsolutePath().normalize();
    }

    private String token(Path directory) throws IOException {
        String token = System.getenv("QUENCH_TOKEN");
        if (tokenFile == null && token != null) {
            return token;
        }
        Path file = tokenFile != null ? tokenFile : directory.resolve("quench.token");
        if (!Files.exists(file)) {
            throw new IOException("no token: set QUENCH_TOKEN or pass --token-file (looked in " + file + ")");
        }
        return ApiToken.load(file).value();
    }
}
