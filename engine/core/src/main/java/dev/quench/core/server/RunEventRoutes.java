package dev.quench.core.server;

import dev.quench.core.events.EventLimits;
import dev.quench.core.events.EventSubscription;
import dev.quench.core.events.RunEvent;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.events.RunEventType;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * {@code GET /api/v1/runs/{id}/events} and {@code GET /api/v1/events}: live run events as server-sent
 * events, resumed after {@code Last-Event-ID} (or {@code ?lastEventId=}). A run's stream ends with its
 * {@code end} event; a run that ended before the stream opened, or whose end this engine did not publish
 * (another node ran it, it was cancelled or rejected before it started), gets its status changes and
 * end from the store, read at the start, every second until this engine publishes the run's events, and
 * on every heartbeat. At most {@link EventLimits#maxStreams()} streams are open
 * at once: one more is answered 503. Thread-safe.
 */
final class RunEventRoutes {

    /**
     * How often the store is read for a run this engine publishes nothing about (yet): queued, awaiting
     * approval, or run by another node. A stream of such a run reads its status changes and end this late.
     */
    private static final long STORE_POLL_MILLIS = 1000;

    private final Vertx vertx;
    private final Store store;
    private final RunEventBus events;
    private final RunVisibility visibility;

    RunEventRoutes(Vertx vertx, Store store, RunEventBus events, RunVisibility visibility) {
        this.vertx = vertx;
        this.store = store;
        this.events = events;
        this.visibility = visibility;
    }

    /** Mounts the two streams; the API token check mounted before them applies. */
    void mount(Router router) {
        router.get("/api/v1/runs/:id/events").handler(this::runEvents);
        router.get("/api/v1/events").handler(this::allEvents);
    }

    /** The number of event streams open now. */
    int openStreams() {
        return events.openStreams();
    }

    private void runEvents(RoutingContext context) {
        streamRun(context, context.pathParam("id"), visibility.runbooksVisibleTo(context), EventFrames.JSON);
    }

    /**
     * Streams the events of run {@code id} to the caller of {@code context}, written as {@code frames} says,
     * when {@code visible} lets its runbook through (else 404); resumes after {@code Last-Event-ID}. Counts
     * against {@link EventLimits#maxStreams()} like every stream of this engine.
     */
    void streamRun(RoutingContext context, String id, Predicate<String> visible, EventFrames frames) {
        Optional<Long> after = lastEventId(context);
        if (after.isEmpty()) {
            return;
        }
        if (!admit(context)) {
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                events.releaseStream();
            }
        };
        EventStream stream = new EventStream(vertx, context.response(), false, release, frames);
        // Subscribed before the store is read: an end published meanwhile is in the subscription, not lost.
        EventSubscription subscription = events.subscribe(id, after.get(), event -> true, stream::wakeUp);
        vertx.executeBlocking(() -> store.runs().find(id), false).onComplete(found -> {
            if (context.response().closed()) {
                // The reader left during the look-up: the stream never opened, so nothing else frees its slot.
                subscription.close();
                release.run();
                return;
            }
            if (found.failed() || found.result().isEmpty() || !visible.test(found.result().get().runbook())) {
                subscription.close();
                release.run();
                if (found.failed()) {
                    HttpErrors.send(context, 500, "cannot read the run", found.cause().getMessage());
                } else {
                    HttpErrors.send(context, 404, "no such run", "no run has id " + id
                            + " (GET /api/v1/runs lists the runs this token may see)");
                }
                return;
            }
            stream.open(subscription, events.limits().heartbeat().toMillis(), beat -> checkEnded(beat, id));
            RunRecord run = found.result().get();
            if (events.hasEnded(id)) {
                // The end is queued or was sent before the resume point: either way the stream is complete.
                stream.finishReplay();
            } else {
                if (run.status() != RunStatus.RUNNING) {
                    fromStore(stream, run);
                }
                if (!run.status().finished()) {
                    watchStore(stream, id, run.status());
                }
            }
        });
    }

    private void allEvents(RoutingContext context) {
        Optional<Long> after = lastEventId(context);
        if (after.isEmpty()) {
            return;
        }
        Predicate<String> visible = visibility.runbooksVisibleTo(context);
        if (!admit(context)) {
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        EventStream stream = new EventStream(vertx, context.response(), true, () -> {
            if (released.compareAndSet(false, true)) {
                events.releaseStream();
            }
        });
        EventSubscription subscription = events.subscribe(null, after.get(),
                event -> visible.test(event.runbook()), stream::wakeUp);
        stream.open(subscription, events.limits().heartbeat().toMillis(), ignored -> { });
    }

    /**
     * Until this engine publishes events of the run, reads its status from the store every second and
     * writes each change (the end too): a run leaves the queue, is approved, rejected or cancelled outside
     * the executor, or runs on another node.
     */
    private void watchStore(EventStream stream, String id, RunStatus seen) {
        AtomicReference<RunStatus> last = new AtomicReference<>(seen);
        vertx.setPeriodic(STORE_POLL_MILLIS, timer -> {
            if (stream.done() || events.knows(id)) {
                vertx.cancelTimer(timer);
                return;
            }
            vertx.executeBlocking(() -> store.runs().find(id), false).onSuccess(found -> found
                    .filter(run -> run.status() != last.get() && !events.knows(id))
                    .ifPresent(run -> {
                        last.set(run.status());
                        fromStore(stream, run);
                    }));
        });
    }

    /** On each heartbeat of a run's stream: a run that ended without this engine publishing it ends the stream. */
    private void checkEnded(EventStream stream, String id) {
        if (stream.ended() || events.hasEnded(id)) {
            return;
        }
        vertx.executeBlocking(() -> store.runs().find(id), false).onSuccess(found -> found
                .filter(run -> run.status().finished() && !events.hasEnded(id))
                .ifPresent(run -> fromStore(stream, run)));
    }

    private boolean admit(RoutingContext context) {
        if (!events.admitStream()) {
            context.response().putHeader("Retry-After", "5");
            HttpErrors.send(context, 503, "too many event streams", events.limits().maxStreams()
                    + " event streams are open on this engine, its limit; close one or retry later "
                    + "(GET /api/v1/runs/ID shows a run without a stream)");
            return false;
        }
        return true;
    }

    /** The status in the store, as a made-up event: the end of a run that ended, else where it is now. */
    private static void fromStore(EventStream stream, RunRecord run) {
        if (run.status() == RunStatus.RUNNING) {
            return;
        }
        if (run.status().finished()) {
            stream.writeLocal(new RunEvent(0, 0, run.id(), run.runbook(), RunEventType.END, Instant.now(),
                    Map.of("status", run.status().wireName(), "message", run.message())));
        } else {
            stream.writeLocal(new RunEvent(0, 0, run.id(), run.runbook(), RunEventType.STATUS, Instant.now(),
                    Map.of("status", run.status().wireName())));
        }
    }

    /** The resume point: {@code Last-Event-ID} (sent by a reconnecting EventSource) or {@code ?lastEventId=}; 0 when absent. */
    private static Optional<Long> lastEventId(RoutingContext context) {
        String text = context.request().getHeader("Last-Event-ID");
        if (text == null) {
            text = context.queryParams().get("lastEventId");
        }
        if (text == null || text.isBlank()) {
            return Optional.of(0L);
        }
        try {
            long id = Long.parseLong(text.strip());
            if (id < 0) {
                throw new NumberFormatException("negative");
            }
            return Optional.of(id);
        } catch (NumberFormatException e) {
            HttpErrors.send(context, 400, "invalid Last-Event-ID", "the last event id must be a whole number >= 0, "
                    + "the id: of an event this stream sent; was '" + text + "'");
            return Optional.empty();
        }
    }
}
