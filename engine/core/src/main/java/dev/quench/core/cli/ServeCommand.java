package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.boot.Engine;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quench serve}: webhooks, API and runs until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the engine: webhooks, API, runbook execution. Stops cleanly on Ctrl-C / SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "quench.yaml; flags below override it")
    Path config;

    @Option(names = "--runbooks", paramLabel = "DIR", description = "runbooks directory (default: ./runbooks)")
    Path runbooks;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory for the embedded store (default: ./data)")
    Path data;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default: " + QuenchConfig.DEFAULT_PORT + ")")
    Integer port;

    @Option(names = "--inventory", paramLabel = "FILE", description = "inventory of SSH hosts")
    Path inventory;

    @Override
    public Integer call() throws Exception {
        QuenchConfig settings = ConfigLoader.load(config, data == null ? Path.of("data") : data);
        if (data != null) {
            // The flag beats the file (a local run must not write into the store of the server the file is for).
            settings = settings.withDataDirectory(data);
        }
        if (runbooks != null) {
            settings = settings.withRunbooks(runbooks);
        }
        if (port != null) {
            settings = settings.withPort(port);
        }
        if (inventory != null) {
            settings = settings.withInventory(inventory);
        }
        // Serving first, the runbooks after (docs/startup.md): alerts that arrive meanwhile are stored and
        // matched once the runbooks are loaded.
        Engine engine = Engine.startServing(settings);
        ClassArchiveMarker.markServing();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            engine.close();
            stopped.countDown();
        }, "quench-shutdown"));
        // One write: whoever waits for the first line (a supervisor, a test) reads the others with it.
        System.out.print(String.format("Quench is serving on http://%s:%d%n", displayHost(settings.host()), engine.port())
                + String.format("  store:    %s%n", settings.storeUrl())
                + String.format("  API token: %s (send it as 'Authorization: Bearer <token>')%n",
                        settings.apiTokenFile().toAbsolutePath())
                + String.format("  Alertmanager webhook: POST http://%s:%d/hooks/alertmanager%n",
                        displayHost(settings.host()), engine.port())
                + String.format("  runbooks: %s (loading)%n", settings.runbooks().toAbsolutePath()));
        System.out.flush();
        try {
            engine.awaitReconciled();
        } catch (Exception e) {
            // Stopped (Ctrl-C, SIGTERM) while the runbooks were loading: the shutdown hook closes the engine
            // (it may not have begun when the load failed).
            if (engine.closing() || stopped.await(5, TimeUnit.SECONDS)) {
                stopped.await();
                return 0;
            }
            throw e;
        }
        System.out.printf("  runbooks: %s (%d loaded, %d with problems)%s%n", settings.runbooks().toAbsolutePath(),
                engine.runbooks().runbooks().size(), engine.runbooks().problems().size(),
                java.nio.file.Files.exists(settings.runbooks())
                        ? "" : ": the directory does not exist; create it, or pass --runbooks DIR");
        engine.runbooks().problems().forEach(problem -> System.out.println("    " + escape(problem)));
        ScheduleSummary.print(engine.runbooks().runbooks(), System.out);
        stopped.await();
        return 0;
    }

    private static String displayHost(String host) {
        return "0.0.0.0".equals(host) ? "localhost" : host;
    }
}
