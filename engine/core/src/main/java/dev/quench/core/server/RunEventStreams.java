package dev.quench.core.server;

import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * One run's live event stream for routes mounted from above the server (the console's run detail): the
 * same stream as {@code GET /api/v1/runs/{id}/events} (replay after {@code Last-Event-ID}, the store's
 * status for a run this engine does not execute, heartbeats, the end), in another written form, counted
 * against the same {@code events.maxStreams}. Thread-safe.
 */
public final class RunEventStreams {

    private final RunEventRoutes routes;
    private final RunVisibility visibility;

    public RunEventStreams(Vertx vertx, Store store, RunEventBus events, RunbookRegistry runbooks) {
        this.visibility = RunVisibility.byTeam(runbooks);
        this.routes = new RunEventRoutes(vertx, store, events, visibility);
    }

    /**
     * Streams the events of run {@code runId}, written as {@code frames} says, to the request's principal (see
     * {@link HttpAccess#principal}); a run of a runbook its team may not see is answered 404, as if it did not
     * exist.
     */
    public void stream(RoutingContext context, String runId, EventFrames frames) {
        routes.streamRun(context, runId, visibility.runbooksVisibleTo(context), frames);
    }
}
