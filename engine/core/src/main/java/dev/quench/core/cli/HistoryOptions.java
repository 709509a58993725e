package dev.quench.core.cli;

import dev.quench.core.boot.ServingAddress;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.server.ApiToken;
import dev.quench.core.store.DataDirectory;
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

/** {@code --server URL} or {@code --data DIR}: where history commands read from. */
final class HistoryOptions {

    @Option(names = "--server", paramLabel = "URL", description = "a running engine, e.g. http://localhost:9095")
    URI server;

    @Option(names = "--data", paramLabel = "DIR", description = "the engine's data directory (default: ./data): read "
            + "through the engine that serves on it, else directly")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "API token for --server (default: $QUENCH_TOKEN, else DATA/quench.token)")
    Path tokenFile;

    History open() throws IOException {
        if (server != null) {
            String token = System.getenv("QUENCH_TOKEN");
            if (tokenFile != null || token == null) {
                Path file = tokenFile != null ? tokenFile : (data != null ? data : Path.of("data")).resolve("quench.token");
                if (!Files.exists(file)) {
                    throw new IOException("no API token: set QUENCH_TOKEN or pass --token-file (looked in " + file + ")");
                }
                token = ApiToken.load(file).value();
            }
            return new ServerHistory(server, token);
        }
        Path directory = (data != null ? data : Path.of("data")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(directory.resolve("quench.mv.db"))) {
            throw new IOException("no Quench store in " + directory
                    + ": pass --data DIR (where 'quench serve' keeps its store) or --server URL");
        }
        // The embedded store is open in the engine that serves on it (and nowhere else): read through its API.
        Optional<URI> serving = ServingAddress.read(directory);
        if (serving.isPresent() && answers(serving.get())) {
            Path file = tokenFile != null ? tokenFile : directory.resolve("quench.token");
            String token = Files.exists(file) ? ApiToken.load(file).value() : System.getenv("QUENCH_TOKEN");
            if (token == null) {
                throw new IOException("the engine serving " + directory + " at " + serving.get() + " needs its API "
                        + "token, and " + file + " does not exist: pass --token-file FILE or set QUENCH_TOKEN");
            }
            return new ServerHistory(serving.get(), token);
        }
        if (DataDirectory.storeInUse(directory)) {
            throw new IOException("the store in " + directory + " is open in another process (a running 'quench serve'"
                    + serving.map(address -> " that does not answer at " + address).orElse("") + "): pass --server URL");
        }
        return new StoreHistory(QuenchConfig.defaults(directory));
    }

    /** Whether an engine answers at {@code address} (a killed one leaves its address file behind). */
    private static boolean answers(URI address) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            client.send(HttpRequest.newBuilder(address.resolve("/health/live")).timeout(Duration.ofSeconds(5)).GET()
                    .build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
