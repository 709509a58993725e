package dev.quench.core.cli;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.server.ApiToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --server URL} or {@code --data DIR}: where history commands read from. */
final class HistoryOptions {

    @Option(names = "--server", paramLabel = "URL", description = "a running engine, e.g. http://localhost:9095")
    URI server;

    @Option(names = "--data", paramLabel = "DIR", description = "the engine's data directory, read directly (default: ./data)")
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
        return new StoreHistory(QuenchConfig.defaults(directory));
    }
}
