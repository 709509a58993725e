package dev.quench.core.console;

import dev.quench.core.events.RunEventBus;
import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.Principal;
import dev.quench.core.server.RequestText;
import dev.quench.core.server.RunDecisions;
import dev.quench.core.server.RunEventStreams;
import dev.quench.core.server.RunQueries;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunQuery;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredAlert;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runs screen and the run detail: {@code GET /runs} (filters and pages as {@code GET /api/v1/runs}),
 * {@code GET /runs/{id}} with its live stream ({@code /runs/{id}/events}) and the pieces htmx reloads
 * ({@code /runs/live}: the list's one poll for its unfinished rows; {@code /runs/{id}/body}), and
 * {@code POST /runs/{id}/cancel}: the API's cancel,
 * audited as {@code run.cancel}. A run of a team the viewer's token is not scoped to answers the console's 404
 * page, as if it did not exist. Thread-safe.
 */
final class RunsScreen implements ConsoleScreen {

    /** Runs per page unless the URL asks for another {@code limit}. */
    static final int PAGE_SIZE = 50;

    private final Vertx vertx;
    private final Store store;
    private final RunDecisions decisions;
    private final RunEventStreams streams;
    private final Clock clock;
    private final RunEventBus events;

    RunsScreen(ConsoleParts parts) {
        this.vertx = parts.vertx();
        this.store = parts.store();
        this.decisions = new RunDecisions(parts.store(), parts.dispatcher(), parts.approval());
        this.streams = new RunEventStreams(parts.vertx(), parts.store(), parts.events(), parts.runbooks());
        this.clock = Objects.requireNonNull(parts.clock(), "clock");
        this.events = parts.events();
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/runs").handler(access.read(Role.VIEWER)).handler(context -> list(context, pages));
        // Before /runs/:id, which would take "live" for a run id.
        router.get("/runs/live").handler(access.read(Role.VIEWER)).handler(context -> live(context, pages));
        router.get("/runs/:id").handler(access.read(Role.VIEWER)).handler(context -> detail(context, pages));
        router.get("/runs/:id/body").handler(access.read(Role.VIEWER)).handler(context -> body(context, pages));
        router.get("/runs/:id/events").handler(access.read(Role.VIEWER))
                .handler(context -> streams.stream(context, context.pathParam("id"), RunEventHtml.INSTANCE));
        router.post("/runs/:id/cancel")
                .handler(access.change(Role.OPERATOR, "run.cancel", context -> "run " + context.pathParam("id")))
                .handler(context -> cancel(context, pages));
    }

    private void list(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        RunFilterForm filter = RunFilterForm.of(context.queryParams());
        Optional<String> fixedTeam = principal.teamIfScoped();
        RunQuery query;
        try {
            query = RunQueries.parse(context.queryParams(), principal, PAGE_SIZE, clock.instant());
        } catch (IllegalArgumentException e) {
            // A bad filter (or another team's) shows the form again with why, and no runs.
            context.response().setStatusCode(e instanceof RunQueries.TeamOutOfScope ? 403 : 400);
            pages.page(context, "console/runs.jte", "Runs", "runs",
                    () -> Map.of("view", RunsView.refused(filter, fixedTeam, e.getMessage())));
            return;
        }
        pages.page(context, "console/runs.jte", "Runs", "runs", () -> Map.of("view",
                RunsView.of(filter, store.runs().page(query), fixedTeam, clock.instant())));
    }

    private void detail(RoutingContext context, ConsolePages pages) {
        withVisibleRun(context, pages, run -> pages.page(context, "console/run.jte", run.runbook() + " run", "runs",
                () -> Map.of("run", view(run, HttpAccess.principal(context)),
                        "liveFrom", LiveOutputStart.of(run, events))));
    }

    private void body(RoutingContext context, ConsolePages pages) {
        String csrf = ConsoleSessions.signedIn(context).csrfToken();
        withVisibleRun(context, pages, run -> pages.fragment(context, "console/runBody.jte",
                () -> Map.of("run", view(run, HttpAccess.principal(context)), "csrf", csrf)));
    }

    /** The runs screen's one poll: the asked runs' rows as they are now, of the runs this token may see. */
    private void live(RoutingContext context, ConsolePages pages) {
        List<String> ids;
        try {
            ids = LiveRows.ids(context.queryParams().getAll("id"));
        } catch (IllegalArgumentException e) {
            pages.error(context, 400, "Cannot refresh the runs", e.getMessage() + "; reload the page.");
            return;
        }
        Principal principal = HttpAccess.principal(context);
        pages.fragment(context, "console/runsLive.jte", () -> {
            Instant now = clock.instant();
            return Map.of("live", LiveRows.of(ids.stream().map(id -> store.runs().find(id)).flatMap(Optional::stream)
                    .filter(run -> principal.covers(run.owner())).map(run -> RunRow.of(run, now)).toList()));
        });
    }

    private void cancel(RoutingContext context, ConsolePages pages) {
        String reason;
        try {
            reason = RequestText.reason(context.request().getFormAttribute("reason"));
        } catch (IllegalArgumentException e) {
            pages.error(context, 422, "Reason not accepted", e.getMessage() + "; nothing was cancelled.");
            return;
        }
        Principal principal = HttpAccess.principal(context);
        withVisibleRun(context, pages, run -> vertx.executeBlocking(
                () -> decisions.decide(principal, run.id(), RunDecisions.Action.CANCEL, reason), false)
                .onComplete(done -> {
                    if (done.failed()) {
                        pages.error(context, 500, "Cannot cancel run " + run.id(), done.cause().getMessage());
                        return;
                    }
                    switch (done.result()) {
                        case RunDecisions.Result.Done cancelled -> context.response().setStatusCode(303)
                                .putHeader("Location", "/runs/" + run.id()).end();
                        case RunDecisions.Result.NotFound notFound -> notFound(context, pages, run.id());
                        case RunDecisions.Result.Forbidden forbidden -> pages.error(context, 403,
                                "Cannot cancel run " + run.id(), forbidden.detail());
                        case RunDecisions.Result.Conflict conflict -> pages.error(context, 409,
                                "Cannot cancel run " + run.id(), conflict.reason());
                    }
                }));
    }

    /** Reads the run off the event loop; a missing run, or one of another team, is the 404 page. */
    private void withVisibleRun(RoutingContext context, ConsolePages pages, Consumer<RunRecord> then) {
        String id = context.pathParam("id");
        Principal principal = HttpAccess.principal(context);
        vertx.executeBlocking(() -> store.runs().find(id), false).onComplete(found -> {
            if (found.failed()) {
                pages.error(context, 500, "Cannot read run " + id, found.cause().getMessage());
            } else if (found.result().isEmpty() || !principal.covers(found.result().get().owner())) {
                notFound(context, pages, id);
            } else {
                then.accept(found.result().get());
            }
        });
    }

    private static void notFound(RoutingContext context, ConsolePages pages, String id) {
        pages.error(context, 404, "No such run", "no run has id " + id + " that your token may see; the Runs "
                + "screen lists the runs you may see");
    }

    /** Blocking: reads the run's alert. */
    private RunDetailView view(RunRecord run, Principal principal) {
        Optional<StoredAlert> alert = run.alertId() == null ? Optional.empty() : store.alerts().find(run.alertId());
        boolean mayCancel = principal.role().atLeast(Role.OPERATOR) && principal.covers(run.owner());
        return RunDetailView.of(run, alert, mayCancel, clock.instant());
    }
}
