package dev.quench.core.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * One reader's events: a bounded queue the bus fills without ever waiting, and the reader empties with
 * {@link #drain()} when woken. A reader that falls {@link EventLimits#readerQueue()} events behind loses
 * the newest ones and reads a {@link RunEventType#DROPPED} event counting them, where they would have
 * been (a lost {@code dropped} event adds the lines it counted, so lines read plus lines counted is
 * always what the run wrote). Thread-safe.
 */
public final class EventSubscription implements AutoCloseable {

    private final RunEventBus bus;
    private final String runId;
    private final Predicate<RunEvent> visible;
    private final Runnable wakeUp;
    private final int capacity;
    private final ArrayDeque<RunEvent> queue = new ArrayDeque<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    private long dropped;
    private String lastRunbook = "";

    EventSubscription(RunEventBus bus, String runId, Predicate<RunEvent> visible, Runnable wakeUp, int capacity) {
        this.bus = bus;
        this.runId = runId;
        this.visible = visible;
        this.wakeUp = wakeUp;
        this.capacity = capacity;
    }

    /** The run this reader follows; empty for all runs. */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    boolean wants(RunEvent event) {
        return (runId == null || runId.equals(event.runId())) && visible.test(event);
    }

    /** Queues {@code event} or counts it lost; wakes the reader when it is not already awake. Never waits. */
    void offer(RunEvent event) {
        synchronized (this) {
            if (queue.size() < capacity) {
                queue.add(event);
            } else {
                // A dropped-lines event lost here stands for the lines it counted: they stay counted.
                dropped += event.type() == RunEventType.DROPPED && event.data().get("count") instanceof Number count
                        ? count.longValue() : 1;
                lastRunbook = event.runbook();
            }
        }
        if (woken.compareAndSet(false, true)) {
            wakeUp.run();
        }
    }

    /** Queues a replayed or made-up event while subscribing (the bus holds its lock; the reader is not awake yet). */
    synchronized void preload(RunEvent event) {
        queue.add(event);
    }

    /** Every event queued so far, as {@link #drain(int)}. */
    public List<RunEvent> drain() {
        return drain(Integer.MAX_VALUE);
    }

    /**
     * At most {@code max} of the events queued so far, oldest first; once the queue is empty, with a
     * {@link RunEventType#DROPPED} event at the end when some were lost. The next event queued wakes the
     * reader again.
     */
    public List<RunEvent> drain(int max) {
        woken.set(false);
        synchronized (this) {
            List<RunEvent> events = new ArrayList<>(Math.min(max, queue.size()) + 1);
            while (events.size() < max && !queue.isEmpty()) {
                events.add(queue.poll());
            }
            if (queue.isEmpty() && dropped > 0) {
                events.add(new RunEvent(0, 0, runId == null ? "" : runId, lastRunbook, RunEventType.DROPPED,
                        Instant.now(), Map.of("count", dropped, "reason", "this reader fell more than " + capacity
                        + " events behind; the run went on and its history keeps the output (GET /api/v1/runs/ID)")));
                dropped = 0;
            }
            return events;
        }
    }

    /** Stops the events; the queue is dropped with this object. */
    @Override
    public void close() {
        bus.unsubscribe(this);
    }
}
