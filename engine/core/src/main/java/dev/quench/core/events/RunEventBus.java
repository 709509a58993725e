package dev.quench.core.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The engine's live run events. The executor publishes (status, steps, output lines); readers subscribe
 * to one run or to all, and first get what the replay buffers still hold after their
 * {@code Last-Event-ID}. Publishing never waits for a reader: it takes one short lock, appends to
 * bounded buffers and queues, and wakes the readers. Output lines are bounded per run in rate
 * ({@link EventLimits#linesPerSecond()}, with a burst) and in length; what is left out is counted in a
 * {@link RunEventType#DROPPED} event before the next line, the step's end or the run's end. The events
 * of ended runs are kept for the last {@link EventLimits#endedRuns()} runs (their last
 * {@link EventLimits#endedRunBuffer()} events); an older run's end is read from the store. Thread-safe.
 */
public final class RunEventBus {

    private final EventLimits limits;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, RunChannel> channels = new HashMap<>();
    private final ArrayDeque<String> endedRuns = new ArrayDeque<>();
    private final ArrayDeque<RunEvent> engineBuffer = new ArrayDeque<>();
    private final List<EventSubscription> subscriptions = new ArrayList<>();
    private long engineId;
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

    public RunEventBus(EventLimits limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public EventLimits limits() {
        return limits;
    }

    /**
     * Takes one of this engine's {@link EventLimits#maxStreams()} event stream slots, shared by every stream
     * (the API's and the console's); false when all are taken. Give it back with {@link #releaseStream()}.
     */
    public boolean admitStream() {
        if (openStreams.incrementAndGet() > limits.maxStreams()) {
            openStreams.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a slot taken by {@link #admitStream()}. */
    public void releaseStream() {
        openStreams.decrementAndGet();
    }

    /** How many event streams are open on this engine now. */
    public int openStreams() {
        return openStreams.get();
    }

    /** Publishes an event of {@code runId}; a pending count of dropped lines goes first. */
    public void publish(String runId, String runbook, RunEventType type, Map<String, Object> data) {
        synchronized (lock) {
            RunChannel channel = channel(runId, runbook);
            if (channel.ended) {
                return;
            }
            if (type == RunEventType.STEP_FINISHED || type == RunEventType.END) {
                flushDropped(runId, channel);
            }
            append(runId, channel, type, data);
            if (type == RunEventType.END) {
                ended(runId, channel);
            }
        }
    }

    /**
     * Publishes one output line of step {@code step}, unless the run is over its line budget (then it is
     * counted). A line longer than {@link EventLimits#maxLineChars()} is cut with a marker. {@code mask}
     * is applied to the line as published (the run's secret values), after the cut.
     */
    public void line(String runId, String runbook, RunEventType stream, String step, String line,
                     UnaryOperator<String> mask) {
        synchronized (lock) {
            RunChannel channel = channel(runId, runbook);
            if (channel.ended) {
                return;
            }
            if (!channel.admitLine(limits.linesPerSecond(), limits.lineBurst(), System.nanoTime())) {
                channel.droppedLines++;
                return;
            }
            flushDropped(runId, channel);
            String kept = dev.quench.api.CappedText.cap(line, limits.maxLineChars());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("step", step);
            data.put("line", mask.apply(kept));
            append(runId, channel, stream, data);
        }
    }

    /**
     * Starts reading the events of {@code runId} (null: every run) that {@code visible} lets through,
     * beginning after {@code afterId} (a run's event id, or for every run an engine id; 0 for what the
     * buffers hold). A resume from before the oldest kept event reads a {@link RunEventType#DROPPED}
     * event first. {@code wakeUp} is called, without waiting, when events are queued; the reader then
     * calls {@link EventSubscription#drain()}. Close the subscription when done.
     */
    public EventSubscription subscribe(String runId, long afterId, Predicate<RunEvent> visible, Runnable wakeUp) {
        EventSubscription subscription = new EventSubscription(this, runId, visible, wakeUp, limits.readerQueue());
        synchronized (lock) {
            ArrayDeque<RunEvent> replay = runId == null ? engineBuffer
                    : channels.containsKey(runId) ? channels.get(runId).buffer : new ArrayDeque<>();
            boolean all = runId == null;
            if (afterId > 0 && !replay.isEmpty()) {
                long oldest = all ? replay.peekFirst().engineId() : replay.peekFirst().id();
                if (oldest > afterId + 1) {
                    RunEvent first = replay.peekFirst();
                    subscription.preload(new RunEvent(0, 0, all ? "" : runId, all ? "" : first.runbook(),
                            RunEventType.DROPPED, clock.instant(), Map.of("count", oldest - afterId - 1,
                            "reason", "events after " + afterId + " are no longer kept for resuming; "
                                    + "the run's history has its output (GET /api/v1/runs/ID)")));
                }
            }
            for (RunEvent event : replay) {
                if ((all ? event.engineId() : event.id()) > afterId && subscription.wants(event)) {
                    subscription.preload(event);
                }
            }
            subscriptions.add(subscription);
        }
        return subscription;
    }

    /**
     * Where a reader that already shows part of run {@code runId} resumes: the id of the last event of the
     * longest stretch of kept events, oldest first, that {@code shown} accepts (a page rendered from the store
     * shows the finished steps' output, so their events need not be sent again). 0 when the first kept event
     * is not shown, or nothing is kept.
     */
    public long shownUpTo(String runId, Predicate<RunEvent> shown) {
        synchronized (lock) {
            RunChannel channel = channels.get(runId);
            long upTo = 0;
            if (channel != null) {
                for (RunEvent event : channel.buffer) {
                    if (!shown.test(event)) {
                        break;
                    }
                    upTo = event.id();
                }
            }
            return upTo;
        }
    }

    /** Whether this engine published the end of {@code runId} and still keeps it. */
    public boolean hasEnded(String runId) {
        synchronized (lock) {
            RunChannel channel = channels.get(runId);
            return channel != null && channel.ended;
        }
    }

    /** Whether this engine has published events of {@code runId} and still keeps them (it runs or ran here). */
    public boolean knows(String runId) {
        synchronized (lock) {
            return channels.containsKey(runId);
        }
    }

    /** How many readers are subscribed now. */
    public int subscribers() {
        synchronized (lock) {
            return subscriptions.size();
        }
    }

    void unsubscribe(EventSubscription subscription) {
        synchronized (lock) {
            subscriptions.remove(subscription);
        }
    }

    private RunChannel channel(String runId, String runbook) {
        return channels.computeIfAbsent(runId, id -> new RunChannel(runbook, limits.lineBurst(), System.nanoTime()));
    }

    private void flushDropped(String runId, RunChannel channel) {
        if (channel.droppedLines == 0) {
            return;
        }
        long count = channel.droppedLines;
        channel.droppedLines = 0;
        append(runId, channel, RunEventType.DROPPED, Map.of("count", count, "reason", "the run wrote more than "
                + limits.linesPerSecond() + " lines/s (burst " + limits.lineBurst() + "); its history keeps the "
                + "output up to executor.outputLimitBytes (GET /api/v1/runs/" + runId + ")"));
    }

    private void append(String runId, RunChannel channel, RunEventType type, Map<String, Object> data) {
        RunEvent event = new RunEvent(++channel.lastId, ++engineId, runId, channel.runbook, type, clock.instant(), data);
        channel.keep(event, limits.runBuffer());
        engineBuffer.add(event);
        if (engineBuffer.size() > limits.engineBuffer()) {
            engineBuffer.poll();
        }
        for (EventSubscription subscription : subscriptions) {
            if (subscription.wants(event)) {
                subscription.offer(event);
            }
        }
    }

    private void ended(String runId, RunChannel channel) {
        channel.ended = true;
        while (channel.buffer.size() > limits.endedRunBuffer()) {
            channel.buffer.poll();
        }
        endedRuns.add(runId);
        while (endedRuns.size() > limits.endedRuns()) {
            channels.remove(endedRuns.poll());
        }
    }
}
