package dev.quench.core.server;

import dev.quench.core.events.EventSubscription;
import dev.quench.core.events.RunEvent;
import dev.quench.core.events.RunEventType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * One open server-sent event stream: writes what its subscription queues, never more than the
 * connection takes (a full write queue waits for the drain; meanwhile the subscription counts what it
 * loses), sends a comment every heartbeat, and ends after a run's {@code end} event. Confined to the
 * event loop of its request.
 */
final class EventStream {

    /** Bytes of frames queued on a connection before the stream waits for it to drain. */
    private static final int WRITE_QUEUE_BYTES = 64 * 1024;
    /** Events written per turn of the event loop, between checks of the write queue. */
    private static final int BATCH = 64;

    private final Vertx vertx;
    private final Context context;
    private final HttpServerResponse response;
    private final boolean engineIds;
    private final Runnable onClose;
    private final EventFrames frames;
    private EventSubscription subscription;
    private long heartbeatTimer = -1;
    private boolean closed;
    private boolean ended;

    /**
     * @param engineIds write each event's engine id as its {@code id:} (the stream of all runs), else its run's id
     * @param onClose   called once when the stream closes, however it closes
     */
    EventStream(Vertx vertx, HttpServerResponse response, boolean engineIds, Runnable onClose) {
        this(vertx, response, engineIds, onClose, EventFrames.JSON);
    }

    /** A stream writing its events as {@code frames} says. */
    EventStream(Vertx vertx, HttpServerResponse response, boolean engineIds, Runnable onClose, EventFrames frames) {
        this.frames = frames;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.response = response;
        this.engineIds = engineIds;
        this.onClose = onClose;
    }

    /** Sends the head and starts writing; {@code heartbeat} runs on every beat after the comment is written. */
    void open(EventSubscription events, long heartbeatMillis, Consumer<EventStream> heartbeat) {
        this.subscription = events;
        // What a reader has not taken waits in its subscription (bounded, counted when lost), not as encoded
        // frames in the connection's write queue: one full queue is this much per stream.
        response.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                // nginx and similar proxies buffer answers unless told not to: lines would arrive in bursts.
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(ignored -> close());
        response.exceptionHandler(ignored -> close());
        response.write("retry: 2000\n\n");
        heartbeatTimer = vertx.setPeriodic(heartbeatMillis, ignored -> {
            if (!closed) {
                response.write(": heartbeat\n\n");
                heartbeat.accept(this);
            }
        });
        pump();
    }

    /** Called from any thread when events are queued: writes them on the stream's event loop. */
    void wakeUp() {
        context.runOnContext(ignored -> pump());
    }

    /** Writes a made-up event (no id) from outside the bus: a status read from the store. Must run on the event loop. */
    void writeLocal(RunEvent event) {
        if (!closed && !ended) {
            write(event);
        }
    }

    /**
     * For a run whose end the bus holds: writes what is queued, which includes the end unless the reader
     * resumed after it; then the stream is complete and ends.
     */
    void finishReplay() {
        pump();
        if (!closed && !ended) {
            ended = true;
            close();
        }
    }

    boolean ended() {
        return ended;
    }

    /** Whether nothing more will be written: the stream ended or its reader went away. */
    boolean done() {
        return ended || closed;
    }

    private void pump() {
        if (closed || ended || subscription == null) {
            return;
        }
        while (!response.writeQueueFull()) {
            List<RunEvent> events = subscription.drain(BATCH);
            if (events.isEmpty()) {
                return;
            }
            for (RunEvent event : events) {
                write(event);
                if (ended || closed) {
                    return;
                }
            }
        }
        // The reader is behind: go on when the connection has taken what is queued.
        response.drainHandler(ignored -> pump());
    }

    private void write(RunEvent event) {
        StringBuilder frame = new StringBuilder(128);
        long id = engineIds ? event.engineId() : event.id();
        if (!event.local()) {
            frame.append("id: ").append(id).append('\n');
        }
        frame.append("event: ").append(frames.name(event)).append('\n');
        for (String line : frames.data(event).split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        frame.append('\n');
        response.write(frame.toString());
        // A run's stream ends with the run; the stream of all runs goes on.
        if (event.type() == RunEventType.END && !engineIds) {
            ended = true;
            response.end();
            close();
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        if (subscription != null) {
            subscription.close();
        }
        if (!response.ended() && !response.closed()) {
            response.end();
        }
        onClose.run();
    }
}
