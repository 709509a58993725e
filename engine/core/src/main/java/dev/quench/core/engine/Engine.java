package dev.quench.core.engine;

import dev.quench.api.Inventory;
import dev.quench.core.config.InventoryFile;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.plugin.EnginePluginEnvironment;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.schedule.ScheduleSettings;
import dev.quench.core.server.ApiServer;
import dev.quench.core.server.ApiToken;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    private Engine(QuenchConfig config, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                   ToilLedger ledger, ApiToken apiToken, ApiServer server, Deque<AutoCloseable> closeables,
                   RunbookScheduler schedules) {
        this.config = config;
        this.store = store;
        this.runbooks = runbooks;
        this.dispatcher = dispatcher;
        this.ledger = ledger;
        this.apiToken = apiToken;
        this.server = server;
        this.closeables = closeables;
        this.schedules = schedules;
    }

    /**
     * Starts an engine. Broken runbooks are reported, not fatal; a broken store, config or plugin
     * set is: the exception says what to fix.
     */
    public static Engine start(QuenchConfig config) throws Exception {
        Deque<AutoCloseable> closeables = new ArrayDeque<>();
        Clock clock = Clock.systemUTC();
        try {
            Files.createDirectories(config.dataDirectory());
            ApiToken apiToken = ApiToken.loadOrCreate(config.apiTokenFile());
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
            Vertx vertx = Vertx.vertx();
            closeables.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get());
            Inventory inventory = config.inventoryIfSet().<Inventory>map(InventoryFile::load).orElse(Inventory.empty());
            PluginRegistry plugins = PluginRegistry.discover(config.pluginsDirectoryIfSet().orElse(null));
            closeables.push(plugins);
            plugins.start(new EnginePluginEnvironment(config.sections(), inventory, Map.of(Vertx.class, vertx),
                    config.dataDirectory()));
            RunbookRegistry runbooks = new RunbookRegistry(config.runbooks(), plugins);
            // The runbooks load (on every core) while the executor, the dispatcher and Quartz are set up:
            // with 10,000 runbooks the load is most of start-up, and Quartz's start costs a few hundred ms.
            // Nothing runs before the load is joined: recovery, schedules and the server come after.
            CompletableFuture<?> loading = CompletableFuture.supplyAsync(runbooks::reload,
                    task -> Thread.ofPlatform().name("quench-runbooks-load").daemon(true).start(task));
            Store store = joined(opening);
            RunExecutor executor = new RunExecutor(plugins, store.runs(), config.outputLimitBytes(),
                    RunbookEnvironment.read(config, System.getenv()), clock);
            closeables.push(executor);
            RunDispatcher dispatcher = new RunDispatcher(store, runbooks, executor, config::paramsFor,
                    config.maxConcurrentRuns(), clock);
            closeables.push(dispatcher);
            ToilLedger ledger = new ToilLedger(store, ToilLedger.DEFAULT_MINUTES_PER_MANUAL_ALERT);
            RunbookScheduler schedules = RunbookScheduler.open(store, runbooks, dispatcher,
                    ScheduleSettings.from(config.sections().get("schedule")), clock);
            closeables.push(schedules);
            joined(loading);
            closeables.push(dev.quench.core.guard.ApprovalTimeouts.start(dispatcher.runControl(), runbooks::find,
                    dev.quench.core.guard.ApprovalTimeouts.DEFAULT_INTERVAL));
            dispatcher.recover();
            schedules.sync();
            schedules.start();
            closeables.push(RunbookWatcher.start(runbooks, RunbookWatcher.DEFAULT_INTERVAL, () -> {
                try {
                    schedules.sync();
                } catch (org.quartz.SchedulerException e) {
                    LOG.error("runbooks reloaded but their schedules could not be updated; the previous triggers stay", e);
                }
            }));
            ApiServer server = ApiServer.start(vertx, config, apiToken, store, runbooks, dispatcher, ledger, clock,
                    schedules);
            closeables.push(server);
            LOG.info("Quench listening on http://{}:{} (plugins: {})", config.host(), server.port(), plugins.types());
            return new Engine(config, store, runbooks, dispatcher, ledger, apiToken, server, closeables, schedules);
        } catch (Exception | Error e) {
            closeAll(closeables);
            throw e;
        }
    }

    public int port() {
        return server.port();
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
        closeAll(closeables);
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
