package dev.quench.core.ingest;

import dev.quench.core.alert.Alert;
import dev.quench.core.match.UnmatchedAlertSummary;
import dev.quench.core.store.AlertJournal;
import dev.quench.core.store.RecordedDelivery;
import dev.quench.core.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns journal records into alert rows, on one thread ({@code quench-alert-expander}), in journal
 * order: many records per transaction, which also moves the journal's checkpoint (exactly once,
 * crash-safe), then hands the new alerts to the dispatcher. Keeps the dedupe keys and delivery ids
 * of journaled-not-yet-stored deliveries so the writer can tell a re-delivery exactly before
 * answering. Without a journal ({@code ingest.journal: false}) it only stores straight into the
 * alert table for the writer. Thread-safe.
 */
public final class JournalExpander implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalExpander.class);
    /** A transaction stops growing here: big enough to share a commit, small enough to hand alerts on soon. */
    private static final int MAX_ALERTS_PER_EXPANSION = 10_000;
    private static final long RETRY_MILLIS = 1_000;
    /**
     * Under load an expansion waits until this long after the previous one started, so its batch
     * grows: an H2 commit costs about half a millisecond whatever it holds, and at one alert per
     * request the batches were otherwise 10 alerts each. When alerts come slower than this, nothing waits.
     */
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Store store;
    private final AlertJournal journal;
    private final Predicate<Alert> unmatched;
    private final Consumer<List<Long>> recorded;
    private final IngestCounters counters;
    private final BlockingQueue<AlertJournal.Entry> queue = new LinkedBlockingQueue<>();
    private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingDeliveries = ConcurrentHashMap.newKeySet();
    private final AtomicLong pendingAlerts = new AtomicLong();
    private final UnmatchedAlertSummary unmatchedSummary = new UnmatchedAlertSummary(LOG);
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Queues what a previous run left in the journal (before any new delivery can arrive), then starts
     * the expander thread.
     *
     * @param journal   the ingest journal, or null when it is off (only {@link #storeDirectly} is used)
     * @param unmatched alerts that match no runbook and need no lifecycle work: stored as processed
     * @param recorded  told the ids of new alerts to match after each expansion
     */
    public JournalExpander(Store store, AlertJournal journal, Predicate<Alert> unmatched, Consumer<List<Long>> recorded,
                    IngestCounters counters) {
        this.store = Objects.requireNonNull(store, "store");
        this.journal = journal;
        this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
        this.recorded = Objects.requireNonNull(recorded, "recorded");
        this.counters = Objects.requireNonNull(counters, "counters");
        recoverLeftovers();
        this.thread = Thread.ofPlatform().name("quench-alert-expander").daemon(true).start(this::expandLoop);
    }

    /**
     * Queues what a previous run left in the journal, ahead of anything new: its keys count as pending
     * from the first request on, and the expander thread stores it first (retrying while the store fails).
     */
    private void recoverLeftovers() {
        List<AlertJournal.Entry> leftovers = journal == null ? List.of() : journal.leftovers();
        if (leftovers.isEmpty()) {
            return;
        }
        long alerts = leftovers.stream().mapToLong(entry -> entry.delivery().alerts().size()).sum();
        LOG.info("{} alert(s) of {} delivery(ies) were accepted but not yet stored as alerts before the last stop; "
                + "storing them now", alerts, leftovers.size());
        leftovers.forEach(this::journaled);
    }

    /** Whether an alert with this dedupe key is journaled and not yet expanded. */
    boolean pending(String dedupeKey) {
        return pendingKeys.contains(dedupeKey);
    }

    /** Whether a sender delivery id ({@code source + "\n" + id}) is journaled and not yet stored. */
    boolean pendingDelivery(String sourceAndId) {
        return pendingDeliveries.contains(sourceAndId);
    }

    /** Alerts journaled and not yet expanded (the intake's backpressure counts them). */
    public long pendingAlerts() {
        return pendingAlerts.get();
    }

    /** Takes a committed journal row; called by the writer, in journal order. */
    void journaled(AlertJournal.Entry entry) {
        pendingKeys.addAll(entry.keys());
        if (entry.delivery().deliveryId() != null) {
            pendingDeliveries.add(entry.delivery().source() + "\n" + entry.delivery().deliveryId());
        }
        pendingAlerts.addAndGet(entry.delivery().alerts().size());
        queue.add(entry);
    }

    private void expandLoop() {
        List<AlertJournal.Entry> batch = new ArrayList<>();
        long lastStart = System.nanoTime() - LINGER_NANOS;
        while (!closed || !queue.isEmpty()) {
            AlertJournal.Entry first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            int alerts = first.delivery().alerts().size();
            AlertJournal.Entry next;
            long lingerUntil = lastStart + LINGER_NANOS;
            while (alerts < MAX_ALERTS_PER_EXPANSION) {
                long wait = closed ? 0 : lingerUntil - System.nanoTime();
                try {
                    next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (next == null) {
                    if (wait > 0 && System.nanoTime() < lingerUntil) {
                        continue;
                    }
                    break;
                }
                batch.add(next);
                alerts += next.delivery().alerts().size();
            }
            lastStart = System.nanoTime();
            if (!expandWithRetry(batch, alerts)) {
                return;
            }
        }
    }

    /** Expands {@code batch}, retrying while the store fails; false when Quench stops first (the rows stay journaled). */
    private boolean expandWithRetry(List<AlertJournal.Entry> batch, int alerts) {
        while (true) {
            try {
                handOn(batch, journal.expand(batch, unmatched));
                return true;
            } catch (RuntimeException e) {
                if (closed) {
                    LOG.warn("{} accepted alert(s) could not be stored as alerts before the stop; they stay in the "
                            + "ingest journal ({}) and are stored at the next start", alerts, journal.directory(), e);
                    return false;
                }
                LOG.error("cannot store {} accepted alert(s) from the ingest journal; they stay journaled (nothing is "
                        + "lost) and Quench retries in {} ms — check the store", alerts, RETRY_MILLIS, e);
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    /**
     * Stores deliveries straight into the alert table, in one transaction (the writer's path when the
     * journal is off), and hands the new alerts to the dispatcher; a failure stores nothing.
     */
    List<RecordedDelivery> storeDirectly(List<dev.quench.core.store.PreparedDelivery> deliveries) {
        List<RecordedDelivery> results = store.alerts().recordPrepared(deliveries, unmatched);
        handToDispatcher(results);
        return results;
    }

    private void handOn(List<AlertJournal.Entry> batch, List<RecordedDelivery> results) {
        handToDispatcher(results);
        long alerts = 0;
        for (AlertJournal.Entry entry : batch) {
            entry.keys().forEach(pendingKeys::remove);
            if (entry.delivery().deliveryId() != null) {
                pendingDeliveries.remove(entry.delivery().source() + "\n" + entry.delivery().deliveryId());
            }
            alerts += entry.delivery().alerts().size();
        }
        counters.expanded(alerts);
        pendingAlerts.addAndGet(-alerts);
    }

    private void handToDispatcher(List<RecordedDelivery> results) {
        List<Long> toMatch = new ArrayList<>();
        long created = 0;
        for (RecordedDelivery result : results) {
            toMatch.addAll(result.toMatch());
            created += result.created().size();
        }
        unmatchedSummary.count(created - toMatch.size());
        try {
            recorded.accept(toMatch);
        } catch (RuntimeException e) {
            // Stored is stored: the dispatcher's recovery matches them at the next start at the latest.
            LOG.error("{} alert(s) were stored but could not be handed to the dispatcher", toMatch.size(), e);
        }
    }

    /** Expands what is queued (bounded in time: what is left stays journaled for the next start), then stops. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(30_000);
    }
}
