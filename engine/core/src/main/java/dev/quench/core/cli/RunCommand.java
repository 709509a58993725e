package dev.quench.core.cli;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.SampleAlerts;
import dev.quench.core.boot.ServingAddress;
import dev.quench.core.cli.print.RunPrinter;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.local.LocalPlugins;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.DataDirectory;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.util.DidYouMean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quench run NAME}: runs one runbook now, in this process, or with {@code --dry-run} prints
 * its plan (every step with its rendered inputs, which steps a {@code when} skips) and changes nothing.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one runbook now, in this process (or on a running engine with --server). With --dry-run, print the plan and change nothing. "
                + "Exit 0 succeeded, 1 failed, 2 usage error.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "the runbook's name")
    String name;

    @Option(names = "--runbooks", paramLabel = "DIR", description = "runbooks directory (default: ./runbooks)")
    Path runbooks;

    @Option(names = "--alert", paramLabel = "FILE", description = "a sample alert: an Alertmanager webhook body, or "
            + "one alert in YAML/JSON (labels:, annotations:, status:)")
    Path alertFile;

    @Option(names = "--param", paramLabel = "K=V", description = "a param value (repeatable); a site param "
            + "(site: true) is refused: set it in quench.yaml (--config)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--dry-run", description = "print the plan; run and change nothing")
    boolean dryRun;

    @Option(names = "--config", paramLabel = "FILE", description = "quench.yaml (ssh settings, inventory, site params)")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "data directory of the embedded store that records "
            + "the run (default: ./data; a dry run records nothing)")
    Path data;

    @Option(names = "--inventory", paramLabel = "FILE", description = "inventory of SSH hosts")
    Path inventory;

    @Option(names = "--server", paramLabel = "URL", description = "start the run on a running engine instead of in this "
            + "process (its guards, approval and history apply), wait for it and print it")
    java.net.URI server;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "API token for --server (default: $QUENCH_TOKEN, else DATA/quench.token)")
    Path tokenFile;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "30m",
            description = "with --server: how long to wait for the run to end (default: ${DEFAULT-VALUE})")
    String waitAtMost;

    @Override
    public Integer call() {
        if (server != null) {
            try {
                Path token = tokenFile != null ? tokenFile
                        : System.getenv("QUENCH_TOKEN") != null ? null : (data == null ? Path.of("data") : data).resolve("quench.token");
                return RemoteRun.run(server, token, name, params, alertFile, dryRun,
                        dev.quench.core.util.Durations.parse(waitAtMost), System.out, System.err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        QuenchConfig settings = ConfigLoader.load(config, data == null ? Path.of("data") : data);
        if (data != null) {
            // The flag beats the file (a local run must not write into the store of the server the file is for).
            settings = settings.withDataDirectory(data);
        }
        if (runbooks != null) {
            settings = settings.withRunbooks(runbooks);
        }
        if (inventory != null) {
            settings = settings.withInventory(inventory);
        }
        if (!Files.exists(settings.runbooks())) {
            throw new IllegalArgumentException("runbooks directory " + settings.runbooks() + " does not exist: "
                    + "pass --runbooks DIR");
        }
        try (LocalPlugins plugins = LocalPlugins.start(settings)) {
            RunbookLoadResult loaded = new RunbookLoader(plugins.registry()).load(settings.runbooks());
            Runbook runbook = find(loaded, settings.runbooks());
            Alert alert = alertFile == null ? null : pickAlert(runbook, SampleAlerts.read(alertFile));
            // --param is a run request like the API's: a site param (site: true) comes from quench.yaml only.
            Optional<String> siteRefusal = runbook.siteParamRefusal(params.keySet());
            if (siteRefusal.isPresent()) {
                throw new IllegalArgumentException(siteRefusal.get());
            }
            Map<String, String> values = new LinkedHashMap<>(settings.paramsFor(runbook.name()));
            values.putAll(params);
            String storeUrl = dryRun ? LocalRuns.memoryStoreUrl() : settings.storeUrl();
            if (!dryRun) {
                Path dataDirectory = settings.dataDirectory();
                if (DataDirectory.storeInUse(dataDirectory)) {
                    // The engine that serves on it holds the embedded store: say so now, not after H2's retries.
                    throw new IllegalStateException("the store in " + dataDirectory + " is open in a running 'quench "
                            + "serve'" + ServingAddress.read(dataDirectory).map(address -> " (" + address + ")").orElse("")
                            + ": run the runbook there with --server URL (its guards and history apply), or give this "
                            + "run a data directory of its own with --data DIR");
                }
                DataDirectory.prepare(dataDirectory);
            }
            int outputLimitBytes = ExecutorSettings.from(settings.section("executor")).outputLimitBytes();
            try (LocalRuns runs = LocalRuns.open(storeUrl, settings.storeUser(), settings.storePassword(),
                    plugins.registry(), RunbookEnvironment.read(settings, System.getenv()), outputLimitBytes)) {
                if (!dryRun) {
                    DataDirectory.secure(settings.dataDirectory());
                }
                RunRecord run = runs.run(runbook, values, alert, dryRun, System.getProperty("user.name", "cli"));
                if (dryRun) {
                    PlanPrinter.print(runbook, alert, run, System.out);
                } else {
                    RunPrinter.detail(run, System.out);
                }
                return run.status() == RunStatus.SUCCEEDED ? 0 : 1;
            }
        }
    }

    private Runbook find(RunbookLoadResult loaded, Path directory) {
        Optional<Runbook> runbook = loaded.runbooks().stream().filter(candidate -> candidate.name().equals(name))
                .findFirst();
        if (runbook.isPresent()) {
            return runbook.get();
        }
        loaded.problems().forEach(problem -> System.err.println(problem));
        List<String> names = loaded.runbooks().stream().map(Runbook::name).toList();
        throw new IllegalArgumentException("no runbook named '" + name + "' in " + directory
                + DidYouMean.hint(name, names) + (loaded.problems().isEmpty() ? ""
                : " (" + loaded.problems().size() + " problem(s) above may hide it: quench validate " + directory + ")"));
    }

    /** The first alert the runbook's trigger accepts, else the first one (a manual run may use any alert). */
    private Alert pickAlert(Runbook runbook, List<Alert> alerts) {
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException(alertFile + " holds no alert");
        }
        return alerts.stream()
                .filter(alert -> runbook.alertTrigger().map(trigger -> trigger.matches(alert)).orElse(false))
                .findFirst().orElseGet(() -> {
                    System.err.println("note: no alert in " + alertFile + " matches the triggers of " + runbook.name()
                            + "; running against the first one anyway");
                    return alerts.getFirst();
                });
    }
}
