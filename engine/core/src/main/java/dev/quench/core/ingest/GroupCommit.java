package dev.quench.core.ingest;

import dev.quench.core.store.AlertJournal;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.PreparedDelivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks' single writer. Handlers hand it parsed deliveries; it appends everything that is
 * waiting to the ingest journal file in ONE forced write (one record per delivery) and hands the
 * records to the {@link JournalExpander} — or, with {@code ingest.journal: false}, stores them
 * straight into the alert table in one transaction and hands the new alerts on — then completes each
 * delivery's future, so a request is answered 2xx only after its alerts are on the disk. Adaptive without a timer: when idle a delivery is committed at
 * once (lowest latency); under load the deliveries that arrive during one commit form the next
 * batch. When a commit fails, every delivery of that batch fails (the webhook answers 503 and the
 * sender retries); after {@link #close()} every delivery fails at once. Thread-safe.
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /**
     * What became of one delivery.
     *
     * @param created how many of its alerts were new (the rest were re-deliveries)
     * @param replay  the sender's delivery id was seen before: nothing was recorded
     */
    public record Stored(int created, boolean replay) {
    }

    /** One delivery waiting for its commit. */
    private record Waiting(PreparedDelivery prepared, CompletableFuture<Stored> done) {

        DeliveryToRecord delivery() {
            return prepared.delivery();
        }
    }

    private final AlertJournal journal;
    private final JournalExpander expander;
    private final int maxAlertsPerCommit;
    private final IngestCounters counters;
    // Unbounded on purpose: the IntakeGate bounds what gets here, and refusing here would be a drop.
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #closed} against {@link #submit}: nothing is queued after the writer's last look. */
    private final Object closing = new Object();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param expander           takes each committed journal row, before any request is answered
     * @param maxAlertsPerCommit a batch stops growing at this many alerts (a single bigger delivery is one batch)
     * @param journal            the ingest journal to append to, or null to store straight into the alert table
     */
    public GroupCommit(AlertJournal journal, JournalExpander expander, int maxAlertsPerCommit, IngestCounters counters) {
        this.journal = journal;
        this.counters = Objects.requireNonNull(counters, "counters");
        this.expander = Objects.requireNonNull(expander, "expander");
        this.maxAlertsPerCommit = maxAlertsPerCommit;
        this.writer = Thread.ofPlatform().name("quench-alert-writer").daemon(true).start(this::writeLoop);
    }

    /**
     * Queues {@code delivery} for the next commit; the future completes once it is durably journaled,
     * or fails (store failure, or Quench is stopping).
     */
    public CompletableFuture<Stored> submit(DeliveryToRecord delivery) {
        CompletableFuture<Stored> done = new CompletableFuture<>();
        // Keyed and encoded here, on the caller's thread (an event loop): the single writer only decides
        // and concatenates.
        PreparedDelivery prepared = PreparedDelivery.of(delivery);
        synchronized (closing) {
            if (!closed) {
                queue.add(new Waiting(prepared, done));
                return done;
            }
        }
        done.completeExceptionally(new ShuttingDownException());
        return done;
    }

    private void writeLoop() {
        List<Waiting> batch = new ArrayList<>();
        // After close() sets closed (under the lock) nothing more is queued: this drains all that was.
        while (!closed || !queue.isEmpty()) {
            Waiting first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
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
        Waiting waiting;
        while ((waiting = queue.poll()) != null) {
            waiting.done().completeExceptionally(new ShuttingDownException());
        }
    }

    private void commit(List<Waiting> batch, int alerts) {
        List<Stored> results;
        try {
            results = journal != null ? journal(batch) : storeDirectly(batch);
        } catch (RuntimeException e) {
            LOG.error("cannot record a batch of {} deliveries ({} alerts); each was answered 503 and will be retried "
                    + "by its sender", batch.size(), alerts, e);
            batch.forEach(waiting -> waiting.done().completeExceptionally(e));
            return;
        }
        counters.committed(batch.size());
        for (int index = 0; index < batch.size(); index++) {
            batch.get(index).done().complete(results.get(index));
        }
    }

    private List<Stored> journal(List<Waiting> batch) {
        List<AlertJournal.Journaled> journaled = journal.append(batch.stream().map(Waiting::prepared).toList(),
                expander::pending, expander::pendingDelivery);
        // Before any request is answered: the expander's backlog counts them from now on.
        journaled.forEach(result -> result.entry().ifPresent(expander::journaled));
        return journaled.stream().map(result -> new Stored(result.created(), result.replay())).toList();
    }

    private List<Stored> storeDirectly(List<Waiting> batch) {
        return expander.storeDirectly(batch.stream().map(Waiting::prepared).toList()).stream()
                .map(result -> new Stored(result.created().size(), result.replay())).toList();
    }

    /** Commits what is queued, then stops; deliveries submitted from now on fail with {@link ShuttingDownException}. */
    @Override
    public void close() throws InterruptedException {
        synchronized (closing) {
            closed = true;
        }
        writer.join(10_000);
    }

    /** The delivery came while Quench was stopping: nothing of it was recorded; the sender should retry. */
    public static final class ShuttingDownException extends IllegalStateException {
        ShuttingDownException() {
            super("Quench is shutting down");
        }
    }
}
