package dev.quench.core.retention;

import dev.quench.core.store.DeleteBatch;
import dev.quench.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes the store's old detail: for each {@link RetentionTarget} it rolls up what must be kept, then
 * deletes in batches of {@code retention.batchSize} rows, each a short transaction of its own, pausing
 * {@code retention.pause} between them. Only the node holding the store's {@code retention} lease prunes;
 * it renews the lease before every batch and stops as soon as it has lost it. Thread-safe: one pass at a
 * time, on its own daemon thread.
 */
public final class RetentionJob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    /** The lease row in {@code maintenance_lease}. */
    static final String LEASE = "retention";
    /** How long the lease lasts unless renewed; each batch renews it. */
    static final Duration LEASE_TTL = Duration.ofMinutes(2);
    /** A pass over one kind of detail stops after this many batches; the next pass goes on. */
    private static final int MOST_BATCHES_PER_PASS = 100_000;

    private final Store store;
    private final RetentionSettings settings;
    private final Clock clock;
    private final String holder;
    private final List<RetentionTarget> targets;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ScheduledExecutorService timer;

    RetentionJob(Store store, RetentionSettings settings, Clock clock, String holder) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.targets = RetentionTargets.of(store, settings);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().name("quench-retention").daemon(true).unstarted(task));
    }

    /** A job that is not scheduled: {@link #prune()} runs a pass when called (tests, benchmarks). */
    public static RetentionJob manual(Store store, RetentionSettings settings, Clock clock, String holder) {
        return new RetentionJob(store, settings, clock, holder);
    }

    /**
     * Starts pruning a minute from now and every {@code retention.every} after, unless the settings disable
     * it. Close it to stop (a batch under way finishes, the lease is given back).
     *
     * @param holder this node's id ({@code cluster.nodeId}): the retention lease is held in its name
     */
    public static RetentionJob start(Store store, RetentionSettings settings, Clock clock, String holder) {
        RetentionJob job = new RetentionJob(store, settings, clock, holder);
        if (settings.enabled()) {
            long everyMillis = settings.every().toMillis();
            job.timer.scheduleWithFixedDelay(job::pruneLogged, Math.min(60_000, everyMillis), everyMillis,
                    TimeUnit.MILLISECONDS);
        } else {
            LOG.info("retention is disabled on this node (retention.enabled: false): it prunes nothing");
        }
        return job;
    }

    private void pruneLogged() {
        try {
            Map<String, Long> pruned = prune();
            if (pruned.values().stream().anyMatch(count -> count > 0)) {
                LOG.info("retention pruned {}", pruned);
            }
        } catch (RuntimeException e) {
            LOG.error("retention pass failed; nothing it had not committed is lost, and the next pass in {} "
                    + "starts where this one stopped", dev.quench.core.util.Durations.format(settings.every()), e);
        }
    }

    /**
     * One pass: if this node gets the lease, rolls up and prunes every target older than its period.
     *
     * @return rows deleted per target ({@code runs}, {@code alerts}); empty when another node holds the lease
     */
    public Map<String, Long> prune() {
        if (!stillHeld()) {
            LOG.debug("retention: another node holds the lease; it prunes");
            return Map.of();
        }
        Map<String, Long> pruned = new LinkedHashMap<>();
        try {
            for (RetentionTarget target : targets) {
                Instant cutoff = clock.instant().minus(target.keep());
                Instant before = target.rollUp().rollUpBefore(cutoff, this::stillHeld);
                if (before.isAfter(cutoff)) {
                    throw new IllegalStateException("retention target " + target.name() + " would delete detail up to "
                            + before + ", after its cutoff " + cutoff + ": refusing");
                }
                long deleted = 0;
                for (RetentionTarget.BatchDelete delete : target.deletes()) {
                    deleted += deleteInBatches(delete, before);
                }
                pruned.put(target.name(), deleted);
            }
        } finally {
            store.leases().release(LEASE, holder, clock.instant());
        }
        return pruned;
    }

    /**
     * Deletes in batches, each starting where the last one stopped on the walked index. When a whole batch looked at
     * rows of one instant and kept them all, the next starts a microsecond later (the stores' precision), so a crowd
     * of kept rows cannot hold the walk in place; any such row not looked at waits for the next pass.
     */
    private long deleteInBatches(RetentionTarget.BatchDelete delete, Instant before) {
        long total = 0;
        Instant from = Instant.EPOCH;
        for (int batch = 0; batch < MOST_BATCHES_PER_PASS && stillHeld(); batch++) {
            DeleteBatch deleted = delete.delete(from, before, settings.batchSize());
            total += deleted.deleted();
            if (deleted.visited() == 0) {
                break;
            }
            from = deleted.lastKey().equals(from) && deleted.deleted() == 0
                    ? from.plus(1, ChronoUnit.MICROS) : deleted.lastKey();
            if (!pause()) {
                break;
            }
        }
        return total;
    }

    /** Renews the lease; false when another node has it or this job is closing. */
    private boolean stillHeld() {
        return !closing.get() && store.leases().tryAcquire(LEASE, holder, clock.instant(), LEASE_TTL);
    }

    private boolean pause() {
        if (settings.pause().isZero()) {
            return true;
        }
        try {
            Thread.sleep(settings.pause());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closing.set(true);
        timer.shutdown();
        if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
            timer.shutdownNow();
            LOG.warn("retention did not stop within 30 s; interrupted it (its batch rolls back, the next start "
                    + "continues)");
        }
    }
}
