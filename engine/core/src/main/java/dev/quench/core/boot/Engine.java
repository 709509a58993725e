package dev.quench.core.boot;

import dev.quench.api.Inventory;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.InventoryFile;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.dispatch.RunbookWatcher;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.metrics.MetricsSettings;
import dev.quench.core.plugin.EnginePluginEnvironment;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.schedule.ScheduleSettings;
import dev.quench.core.server.ApiServer;
import dev.quench.core.server.ApiToken;
import dev.quench.core.store.DataDirectory;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.util.Optional;
import java.time.Clock;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Quench: store, plugins, runbooks, executor and HTTP server, wired from a
 * {@link QuenchConfig}. {@link #close()} stops it in reverse order. Thread-safe.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final QuenchConfig config;
    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunDispatcher dispatcher;
    private final ToilLedger ledger;
    private final ApiToken apiToken;
    private final ApiServer server;
    private final Deque<AutoCloseable> closeables;
    private final RunbookScheduler schedules;
    private final CompletableFuture<Void> reconciling;
    private final AtomicBoolean closing;

    private Engine(QuenchConfig config, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                   ToilLedger ledger, ApiToken apiToken, ApiServer server, Deque<AutoCloseable> closeables,
                   RunbookScheduler schedules, CompletableFuture<Void> reconciling, AtomicBoolean closing) {
        this.config = config;
        this.store = store;
        this.runbooks = runbooks;
        this.dispatcher = dispatcher;
        this.ledger = ledger;
        this.apiToken = apiToken;
        this.server = server;
        this.closeables = closeables;
        this.schedules = schedules;
        this.reconciling = reconciling;
        this.closing = closing;
    }

    /**
     * Starts an engine and returns once it has loaded its runbooks and brought its schedules in line
     * with them. Broken runbooks are reported, not fatal; a broken store, config or plugin set is: the
     * exception says what to fix.
     */
    public static Engine start(QuenchConfig config) throws Exception {
        Engine engine = startServing(config);
        try {
            engine.awaitReconciled();
        } catch (Exception | Error e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /**
     * Starts an engine and returns as soon as it serves (what {@code quench serve} waits for): the store
     * is open, Quartz fires the triggers the store holds, and the HTTP server accepts webhooks and records
     * them durably. The runbooks may still be loading: until they are, alerts are stored and matched once
     * they are, schedule fires wait for them, and {@code /health/ready} answers 503. Then the runbooks'
     * schedules are synced and the directory is watched ({@link #awaitReconciled()}). See docs/startup.md.
     */
    public static Engine startServing(QuenchConfig config) throws Exception {
        Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
        AtomicBoolean closing = new AtomicBoolean();
        Clock clock = Clock.systemUTC();
        EngineSettings settings = EngineSettings.bind(config);
        ExecutorSettings executorSettings = settings.executor();
        ScheduleSettings scheduleSettings = settings.schedule();
        JsonLogging.apply(settings.logging());
        try {
            // Private to Quench's user (0700, files 0600): it holds the store, the API token and the journal.
            DataDirectory.prepare(config.dataDirectory());
            ApiToken apiToken = ApiToken.loadOrCreate(config.apiTokenFile());
            Optional<ApiToken> scrapeToken = scrapeToken(settings.metrics());
            EngineMetrics metrics = EngineMetrics.prometheus(settings.metrics());
            closeables.push(metrics);
            // The store opens (Flyway) on its own thread while plugins start and runbooks load: they are
            // independent, and with 10,000 runbooks every part of start-up counts.
            CompletableFuture<Store> opening = CompletableFuture.supplyAsync(
                    () -> Store.open(config.storeUrl(), config.storeUser(), config.storePassword()),
                    task -> Thread.ofPlatform().name("quench-store-open").daemon(true).start(task));
            closeables.push(() -> {
                if (!opening.isCompletedExceptionally()) {
                    opening.join().close();
                }
            });
            // At least as many event loops as server.eventLoops asks for: each HTTP server instance takes one.
            Vertx vertx = vertxWithMetrics(metrics, config.eventLoops());
            closeables.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get());
            Inventory inventory = config.inventoryIfSet().<Inventory>map(InventoryFile::load).orElse(Inventory.empty());
            PluginRegistry plugins = PluginRegistry.discover(config.pluginsDirectoryIfSet().orElse(null));
            closeables.push(plugins);
            ConfigLoader.requireKnownSections(config, plugins.types());
            plugins.start(new EnginePluginEnvironment(config.sections(), inventory, Map.of(Vertx.class, vertx),
                    config.dataDirectory()));
            RunbookRegistry runbooks = new RunbookRegistry(config.runbooks(), plugins);
            // The runbooks load (on every core) while the store, the executor, Quartz and the HTTP server
            // start: with 10,000 runbooks the load is the largest part of start-up, and nothing that
            // serving needs depends on it; every look-up in the registry waits for the first load.
            CompletableFuture<?> loading = CompletableFuture.supplyAsync(runbooks::reload,
                    task -> Thread.ofPlatform().name("quench-runbooks-load").daemon(true).start(task));
            Store store = joined(opening);
            // The token in data/quench.token is the admin token named 'admin' (once; a revocation sticks).
            store.tokens().registerBootstrap(apiToken.value(), clock.instant());
            RunEventBus events = new RunEventBus(settings.events(), clock);
            RunExecutor executor = new RunExecutor(plugins, store.runs(), executorSettings.outputLimitBytes(),
                    RunbookEnvironment.read(config, System.getenv()), clock, settings.cluster().nodeId(),
                    settings.cluster().leaseDuration(), events, metrics);
            closeables.push(executor);
            // Closed after the dispatcher: runs finishing during the shutdown grace keep their leases renewed.
            java.util.concurrent.atomic.AtomicReference<dev.quench.core.dispatch.ClusterNode> clusterNode =
                    new java.util.concurrent.atomic.AtomicReference<>();
            closeables.push(() -> {
                if (clusterNode.get() != null) {
                    clusterNode.get().close();
                }
            });
            RunDispatcher dispatcher = new RunDispatcher(store, runbooks, executor, config::paramsFor,
                    executorSettings.maxConcurrentRuns(), executorSettings, clock, metrics, settings.incidents());
            EngineGauges.register(metrics, store, dispatcher, runbooks);
            closeables.push(dispatcher);
            // Registers this node, recovers the runs its last life left running, and renews leases from now on.
            clusterNode.set(dev.quench.core.dispatch.ClusterNode.start(store, runbooks, executor, dispatcher,
                    settings.cluster(), config.host() + ":" + config.port(), clock));
            ToilLedger ledger = new ToilLedger(store, settings.toil());
            closeables.push(dev.quench.core.retention.RetentionJob.start(store, settings.retention(), clock,
                    settings.cluster().nodeId()));
            closeables.push(dev.quench.core.guard.ApprovalTimeouts.start(dispatcher.runControl(), runbooks::find,
                    dev.quench.core.guard.ApprovalTimeouts.DEFAULT_INTERVAL));
            // Before anything can start a run: a run still marked running is from the last stop. Alerts left
            // unprocessed are queued for matching (done once the runbooks are loaded); only runs left queued
            // need their runbook now, so only then does this wait for the load.
            dispatcher.recover();
            RunbookScheduler schedules = RunbookScheduler.open(store, runbooks, dispatcher,
                    scheduleSettings, clock, metrics, settings.cluster());
            closeables.push(schedules);
            // Quartz fires the stored triggers from now on; a fire waits for the first sync below.
            schedules.start();
            ApiServer server = ApiServer.start(vertx, config, store, runbooks, dispatcher, ledger, clock,
                    schedules, events, metrics, scrapeToken, settings.metrics().openPort(),
                    settings.console().enabled() ? Optional.of(new dev.quench.core.console.Console(
                            new dev.quench.core.console.ConsoleParts(vertx, store, runbooks, dispatcher, ledger,
                                    schedules, events, clock, settings.approval()), settings.console()))
                            : Optional.empty());
            closeables.push(server);
            clusterNode.get().serving(config.host() + ":" + server.port());
            // For `quench runs list --data DIR` while this engine holds the store: gone before the server stops.
            ServingAddress.write(config.dataDirectory(), ServingAddress.of(config.host(), server.port()));
            closeables.push(() -> ServingAddress.delete(config.dataDirectory()));
            // H2, the journal and plugins created files with the process umask's modes: make them 0600 too.
            DataDirectory.secure(config.dataDirectory());
            LOG.info("Quench listening on http://{}:{} (plugins: {})", config.host(), server.port(), plugins.types());
            server.metricsPort().ifPresent(port -> LOG.info("metrics without credentials on http://127.0.0.1:{}/metrics "
                    + "(metrics.openPort)", port));
            long servingAt = System.nanoTime();
            CompletableFuture<Void> reconciling = loading.thenRunAsync(() -> {
                try {
                    schedules.sync();
                } catch (org.quartz.SchedulerException e) {
                    throw new CompletionException(e);
                }
                closeables.push(RunbookWatcher.start(runbooks, RunbookWatcher.DEFAULT_INTERVAL, () -> {
                    try {
                        schedules.sync();
                    } catch (org.quartz.SchedulerException e) {
                        LOG.error("runbooks reloaded but their schedules could not be updated; the previous triggers stay", e);
                    }
                }));
                LOG.info("runbooks loaded and schedules synced {} ms after Quench started listening",
                        (System.nanoTime() - servingAt) / 1_000_000);
            }, task -> Thread.ofPlatform().name("quench-reconcile").daemon(true).start(task));
            reconciling.exceptionally(failure -> {
                if (closing.get()) {
                    // Stopped during start-up (the store may be closed under it): the next start loads again.
                    LOG.info("stopped before the runbooks were loaded and their schedules synced ({}); "
                            + "the next start does it", failure.getCause() == null ? failure : failure.getCause());
                    return null;
                }
                LOG.error("loading the runbooks or syncing their schedules failed; alerts are stored but not matched "
                        + "and schedules do not fire until Quench is restarted with the cause fixed", failure);
                return null;
            });
            return new Engine(config, store, runbooks, dispatcher, ledger, apiToken, server, closeables, schedules,
                    reconciling, closing);
        } catch (Exception | Error e) {
            closeAll(closeables);
            throw e;
        }
    }

    /**
     * Waits until the runbooks are loaded and their schedules synced; a failure of that work is thrown
     * as it was.
     */
    public void awaitReconciled() throws Exception {
        try {
            reconciling.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Whether {@link #close()} has been called (a failure of start-up work after that is expected). */
    public boolean closing() {
        return closing.get();
    }

    public int port() {
        return server.port();
    }

    /** The loopback port serving {@code /metrics} without credentials ({@code metrics.openPort}), if configured. */
    public java.util.OptionalInt metricsPort() {
        return server.metricsPort();
    }

    public QuenchConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    public RunbookRegistry runbooks() {
        return runbooks;
    }

    public RunDispatcher dispatcher() {
        return dispatcher;
    }

    public ToilLedger ledger() {
        return ledger;
    }

    public ApiToken apiToken() {
        return apiToken;
    }

    /** The runbook schedules; call {@link RunbookScheduler#sync()} after reloading the runbooks. */
    public RunbookScheduler schedules() {
        return schedules;
    }

    @Override
    public void close() {
        closing.set(true);
        // First of all: from now on no run starts (queued ones wait for the next start).
        dispatcher.stopStarting();
        // Stopped while still loading: let that work finish, so nothing it starts outlives the engine.
        try {
            reconciling.handle((ignored, failure) -> null).get(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("stopping while the runbooks still load: not waiting any longer for them", e);
        }
        closeAll(closeables);
        try {
            // Closing the store may have rewritten its file with the umask's modes.
            DataDirectory.secure(config.dataDirectory());
        } catch (RuntimeException e) {
            LOG.warn("stopped; the files in the data directory could not be made private", e);
        }
    }

    /** The scrape token named by {@code metrics.scrapeTokenFile}; a file that cannot be read stops the start. */
    private static Optional<ApiToken> scrapeToken(MetricsSettings settings) {
        if (settings.scrapeTokenFile().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ApiToken.load(settings.scrapeTokenFile().get()));
        } catch (IOException e) {
            throw new IllegalStateException("metrics.scrapeTokenFile " + settings.scrapeTokenFile().get()
                    + " cannot be read (" + e.getMessage() + "); Quench did not start. Write the token Prometheus "
                    + "sends into that file (readable by Quench's user only), or remove the key", e);
        }
    }

    /**
     * The event loop, with Vert.x's HTTP server meters on the engine's registry. Only the HTTP server:
     * client meters (the http.request step) would carry target addresses, and labels never name hosts.
     */
    private static Vertx vertxWithMetrics(EngineMetrics metrics, int eventLoops) {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true);
        for (MetricsDomain domain : MetricsDomain.values()) {
            if (domain != MetricsDomain.HTTP_SERVER) {
                options.addDisabledMetricsCategory(domain);
            }
        }
        return Vertx.builder().with(new VertxOptions().setMetricsOptions(options)
                        .setEventLoopPoolSize(Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, eventLoops)))
                .withMetrics(new MicrometerMetricsFactory(metrics.registry())).build();
    }

    /** The result of start-up work done on another thread; its failure is thrown as it was. */
    private static <T> T joined(CompletableFuture<T> work) {
        try {
            return work.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void closeAll(Deque<AutoCloseable> closeables) {
        while (!closeables.isEmpty()) {
            AutoCloseable closeable = closeables.pop();
            try {
                closeable.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", closeable, e);
            }
        }
    }
}
