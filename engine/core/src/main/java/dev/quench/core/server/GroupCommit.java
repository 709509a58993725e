package dev.quench.core.server;

import dev.quench.core.alert.Alert;
import dev.quench.core.engine.UnmatchedAlertSummary;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.RecordedDelivery;
import dev.quench.core.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks' single writer. Handlers hand it parsed deliveries; it records everything that is
 * waiting in ONE transaction (batch inserts, one commit, one fsync), hands the new alerts to the
 * dispatcher, then completes each delivery's future, so a request is answered 2xx only after its
 * commit. Adaptive without a timer: when idle a delivery is committed at once (lowest latency);
 * under load the deliveries that arrive during one commit form the next batch. When a commit fails,
 * every delivery of that batch fails (the webhook answers 503 and the sender retries). Thread-safe.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** One delivery waiting for its commit. */
    private record Waiting(DeliveryToRecord delivery, CompletableFuture<RecordedDelivery> done) {
    }

    private final Store store;
    private final Predicate<Alert> unmatched;
    private final Consumer<List<Long>> recorded;
    private final int maxAlertsPerCommit;
    private final IngestCounters counters;
    // Unbounded on purpose: the IntakeGate bounds what gets here, and refusing here would be a drop.
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final UnmatchedAlertSummary unmatchedSummary = new UnmatchedAlertSummary(LOG);
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param unmatched          alerts that match no runbook and need no lifecycle work: stored as processed
     * @param recorded           told the ids of new alerts to match after each commit, before any request is answered
     * @param maxAlertsPerCommit a batch stops growing at this many alerts (a single bigger delivery is one batch)
     */
    GroupCommit(Store store, Predicate<Alert> unmatched, Consumer<List<Long>> recorded, int maxAlertsPerCommit,
                IngestCounters counters) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.store = Objects.requireNonNull(store, "store");
        this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
        this.recorded = Objects.requireNonNull(recorded, "recorded");
        this.maxAlertsPerCommit = maxAlertsPerCommit;
        this.writer = Thread.ofPlatform().name("quench-alert-writer").daemon(true).start(this::writeLoop);
    }

    /** Queues {@code delivery} for the next commit; the future completes once it is durably stored (or failed). */
    CompletableFuture<RecordedDelivery> submit(DeliveryToRecord delivery) {
        CompletableFuture<RecordedDelivery> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("Quench is shutting down"));
            return done;
        }
        queue.add(new Waiting(delivery, done));
        return done;
    }

    private void writeLoop() {
        List<Waiting> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            Waiting first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (first == null) {
                continue;
            }
            batch.clear();
            batch.add(first);
            int alerts = first.delivery().alerts().size();
            Waiting next;
            while (alerts < maxAlertsPerCommit && (next = queue.poll()) != null) {
                batch.add(next);
                alerts += next.delivery().alerts().size();
            }
            commit(batch, alerts);
        }
        failAll(new IllegalStateException("Quench is shutting down"));
    }

    private void commit(List<Waiting> batch, int alerts) {
        List<RecordedDelivery> results;
        try {
            results = store.alerts().recordDeliveries(batch.stream().map(Waiting::delivery).toList(), unmatched);
        } catch (RuntimeException e) {
            LOG.error("cannot record a batch of {} deliveries ({} alerts); each was answered 503 and will be retried "
                    + "by its sender", batch.size(), alerts, e);
            batch.forEach(waiting -> waiting.done().completeExceptionally(e));
            return;
        }
        counters.commits.increment();
        counters.committedDeliveries.add(batch.size());
        List<Long> created = new ArrayList<>();
        long unmatchedCount = 0;
        for (RecordedDelivery result : results) {
            created.addAll(result.toMatch());
            unmatchedCount += result.created().size() - result.toMatch().size();
        }
        unmatchedSummary.count(unmatchedCount);
        try {
            recorded.accept(created);
        } catch (RuntimeException e) {
            // Stored is stored: the dispatcher's recovery matches them at the next start at the latest.
            LOG.error("{} alert(s) were stored but could not be handed to the dispatcher", created.size(), e);
        }
        for (int index = 0; index < batch.size(); index++) {
            batch.get(index).done().complete(results.get(index));
        }
    }

    private void failAll(RuntimeException reason) {
        Waiting waiting;
        while ((waiting = queue.poll()) != null) {
            waiting.done().completeExceptionally(reason);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        writer.join(10_000);
    }
}
