package dev.quench.core.boot;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gauges read when {@code /metrics} is scraped: runs by state (from the store, so a cluster's nodes
 * agree), the ingest backlog, the kill switch and the runbooks loaded or broken. The run counts are one
 * query, reused for {@value #REUSE_MILLIS} ms so that one scrape reading three states runs it once.
 */
final class EngineGauges {

    private static final long REUSE_MILLIS = 1000;

    private EngineGauges() {
    }

    static void register(EngineMetrics metrics, Store store, RunDispatcher dispatcher, RunbookRegistry runbooks) {
        Supplier<Map<RunStatus, Long>> runCounts = reused(() -> store.runs().countUnfinished(),
                Duration.ofMillis(REUSE_MILLIS));
        for (RunStatus state : new RunStatus[] {RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.AWAITING_APPROVAL}) {
            // Not quench_runs{state}: that family is the counter quench_runs_total, and Prometheus's client library
            // (like OpenMetrics) refuses a gauge of the same name.
            metrics.gauge("quench.runs.unfinished", "Runs now queued, running or awaiting approval (all engines on this store)",
                    () -> runCounts.get().getOrDefault(state, 0L), "state", state.wireName());
        }
        metrics.gauge("quench.ingest.backlog", "Alerts recorded but not yet matched against the runbooks",
                dispatcher::pendingAlerts);
        metrics.gauge("quench.paused", "1 while the kill switch holds new automated runs (quench pause), else 0",
                () -> dispatcher.killSwitch().paused() ? 1 : 0);
        // Before the first load has finished the registry would make the scrape wait for it: report 0 meanwhile.
        metrics.gauge("quench.runbooks", "Runbooks loaded, and runbook files with problems (not loaded)",
                () -> runbooks.loaded() ? runbooks.runbooks().size() : 0, "state", "loaded");
        metrics.gauge("quench.runbooks", "Runbooks loaded, and runbook files with problems (not loaded)",
                () -> runbooks.loaded() ? runbooks.problems().size() : 0, "state", "broken");
    }

    /** {@code read}'s value, read again only once it is older than {@code reuse}. Thread-safe. */
    private static <T> Supplier<T> reused(Supplier<T> read, Duration reuse) {
        return new Supplier<>() {
            private T value;
            private long readAt;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - readAt > reuse.toNanos()) {
                    value = read.get();
                    readAt = now;
                }
                return value;
            }
        };
    }
}
