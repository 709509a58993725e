package dev.quench.plugin.ssh;

import dev.quench.api.Cancellation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Runs one action over many targets the way AWS SSM's rate control does: at most {@code concurrency} at
 * once, in the given order; the first {@code canary} targets alone, and the rest only if every canary
 * succeeded; no new target starts once more targets failed than the {@link ErrorBudget} allows, or once
 * the step is cancelled. Targets already running finish (or are stopped by the cancellation); targets
 * never started are reported as skipped with the reason. Each target runs on its own virtual thread.
 *
 * @param concurrency how many targets run at once, at least 1
 * @param canary      how many first targets run alone, 0 for none
 * @param budget      failures tolerated before the rollout stops
 */
record FleetRollout(int concurrency, int canary, ErrorBudget budget) {

    FleetRollout {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (canary < 0) {
            throw new IllegalArgumentException("canary must not be negative, got " + canary);
        }
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * Runs {@code action} for each host and returns the results in the order of {@code hosts}. The action
     * must not throw; a runtime exception it throws anyway becomes that target's failure.
     */
    List<TargetResult> run(List<String> hosts, Cancellation cancellation, Function<String, TargetResult> action) {
        int allowed = budget.allowedFailures(hosts.size());
        AtomicReferenceArray<TargetResult> results = new AtomicReferenceArray<>(hosts.size());
        AtomicInteger failures = new AtomicInteger();
        Semaphore permits = new Semaphore(concurrency);
        int canaryEnd = Math.min(canary, hosts.size());
        List<int[]> phases = canaryEnd > 0 && canaryEnd < hosts.size()
                ? List.of(new int[] {0, canaryEnd}, new int[] {canaryEnd, hosts.size()})
                : List.<int[]>of(new int[] {0, hosts.size()});
        String canaryFailed = null;
        for (int[] phase : phases) {
            // One executor per phase: closing it waits for the phase's targets, which is the canary's gate.
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int index = phase[0]; index < phase[1]; index++) {
                    String host = hosts.get(index);
                    String stop = canaryFailed != null ? canaryFailed
                            : stopReason(cancellation, failures.get(), allowed);
                    if (stop == null) {
                        boolean acquired = false;
                        try {
                            permits.acquire();
                            acquired = true;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        // Re-check: targets may have failed, or the step stopped, while this one waited.
                        stop = stopReason(cancellation, failures.get(), allowed);
                        if (stop != null && acquired) {
                            permits.release();
                        }
                    }
                    if (stop != null) {
                        results.set(index, TargetResult.skipped(host, "not started: " + stop));
                        continue;
                    }
                    int slot = index;
                    pool.execute(() -> {
                        try {
                            TargetResult result = runSafely(host, action);
                            results.set(slot, result);
                            if (result.failed()) {
                                failures.incrementAndGet();
                            }
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
            if (phase[1] == canaryEnd && canaryEnd < hosts.size()) {
                long failed = countFailed(results, 0, canaryEnd);
                if (failed > 0) {
                    canaryFailed = failed + " of the " + canaryEnd + " canary targets failed";
                }
            }
        }
        List<TargetResult> ordered = new ArrayList<>(hosts.size());
        for (int index = 0; index < hosts.size(); index++) {
            ordered.add(results.get(index));
        }
        return ordered;
    }

    private String stopReason(Cancellation cancellation, int failed, int allowed) {
        if (cancellation.isCancelled()) {
            return cancellation.reason();
        }
        if (Thread.currentThread().isInterrupted()) {
            return "the step was interrupted";
        }
        if (failed > allowed) {
            return failed + " targets failed, more than maxErrors " + budget + " allows (" + allowed + ")";
        }
        return null;
    }

    private static TargetResult runSafely(String host, Function<String, TargetResult> action) {
        long started = System.nanoTime();
        try {
            return Objects.requireNonNull(action.apply(host), "target result");
        } catch (RuntimeException e) {
            return TargetResult.failed(host, host + ": " + e, java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private static long countFailed(AtomicReferenceArray<TargetResult> results, int from, int to) {
        long failed = 0;
        for (int index = from; index < to; index++) {
            if (results.get(index) != null && results.get(index).failed()) {
                failed++;
            }
        }
        return failed;
    }
}
