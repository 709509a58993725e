package dev.quench.core.local;

import dev.quench.core.alert.Alert;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs runbooks in this process, one at a time and to the end, through the same executor as the
 * engine, without a server: for {@code quench run} and {@code quench test}. Not thread-safe.
 */
public final class LocalRuns implements AutoCloseable {

    private final Store store;
    private final RunExecutor executor;
    private final Clock clock;

    private LocalRuns(Store store, RunExecutor executor, Clock clock) {
        this.store = store;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * Opens the store at {@code storeUrl} (migrating it) and an executor over {@code plugins},
     * which must already be started.
     */
    public static LocalRuns open(String storeUrl, String user, String password, PluginRegistry plugins,
                                 RunbookEnvironment environment, int outputLimit) {
        Objects.requireNonNull(plugins, "plugins");
        Store store = Store.open(storeUrl, user, password);
        Clock clock = Clock.systemUTC();
        return new LocalRuns(store, new RunExecutor(plugins, store.runs(), outputLimit, environment, clock), clock);
    }

    /**
     * Runs that leave nothing behind and do not wait between retries, for runbook tests: an
     * in-memory store, no env or secrets unless a test brings them, 64 KiB of output per step.
     */
    public static LocalRuns forTests(PluginRegistry plugins) {
        Objects.requireNonNull(plugins, "plugins");
        Store store = Store.open(memoryStoreUrl(), "sa", "");
        Clock clock = Clock.systemUTC();
        RunExecutor executor;
        try (RunExecutor base = new RunExecutor(plugins, store.runs(), 64 * 1024, RunbookEnvironment.none(), clock)) {
            executor = base.withoutRetryDelays();
        }
        return new LocalRuns(store, executor, clock);
    }

    /** A store that lives only in memory, for runs that must leave nothing behind (dry runs, tests). */
    public static String memoryStoreUrl() {
        return "jdbc:h2:mem:quench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /**
     * Runs {@code runbook} now and waits for it.
     *
     * @param alert the alert to run against, or null
     * @return the finished run with its steps
     * @throws IllegalArgumentException when the params do not fit the runbook, saying which
     */
    public RunRecord run(Runbook runbook, Map<String, String> params, Alert alert, boolean dryRun, String who) {
        return run(runbook, params, alert, dryRun, who, null);
    }

    /**
     * As {@link #run(Runbook, Map, Alert, boolean, String)} with other env values and secrets than
     * the ones this was opened with (runbook tests bring canned ones); null keeps those.
     */
    public RunRecord run(Runbook runbook, Map<String, String> params, Alert alert, boolean dryRun, String who,
                         RunbookEnvironment environment) {
        Map<String, Object> resolved = runbook.resolveParams(params);
        RunRecord run = new RunRecord(UUID.randomUUID().toString(), runbook.name(), runbook.owner(), TriggerType.MANUAL,
                "by " + who, null, RunStatus.QUEUED, dryRun, resolved, runbook.manualMinutes(), 0, null,
                clock.instant(), null, null, List.of());
        if (!dryRun) {
            // The same kill switch and guards as the engine: this store may be the one it uses.
            dev.quench.core.guard.KillSwitch.State pause = new dev.quench.core.guard.KillSwitch(store.switches(), clock).state();
            if (pause.paused()) {
                throw new IllegalStateException("Quench is paused (by " + pause.changedBy()
                        + (pause.reason().isEmpty() ? "" : ": " + pause.reason()) + "): no run starts until "
                        + "'quench resume'; nothing was run or recorded (a --dry-run still works)");
            }
        }
        dev.quench.core.guard.RunAdmission admission = new dev.quench.core.guard.RunAdmission(store.guards(), clock,
                Integer.MAX_VALUE, Integer.MAX_VALUE, dev.quench.core.metrics.EngineMetrics.discarding(),
                new dev.quench.core.guard.PrometheusBudgetReader(executor.plugins(), clock));
        dev.quench.core.guard.Admission decision = store.inTransaction(handle -> {
            store.runs().insertQueued(handle, run);
            return admission.admit(handle, runbook, run, alert, false, who);
        });
        if (decision.starts()) {
            if (environment == null) {
                executor.execute(run, runbook, alert);
            } else {
                executor.execute(run, runbook, alert, environment);
            }
        }
        RunRecord finished = store.runs().find(run.id()).orElseThrow();
        return dryRun ? admission.errorBudgetPreview(runbook, alert, finished.params())
                .map(note -> dev.quench.core.guard.RunAdmission.noted(finished, note)).orElse(finished) : finished;
    }

    @Override
    public void close() {
        executor.close();
        store.close();
    }
}
