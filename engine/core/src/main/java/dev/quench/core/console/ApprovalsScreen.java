package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.ManualRuns;
import dev.quench.core.server.Principal;
import dev.quench.core.server.RunDecisions;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /approvals}: the runs waiting for approval with their plans, and Approve / Reject. A decision is a
 * plain form POST declared like the API's ({@code run.approve}, {@code run.reject} on the audit trail) and
 * decided by {@link RunDecisions}, the API's code; then the page shows the run's status live (polled) until it
 * ends. Thread-safe.
 */
final class ApprovalsScreen implements ConsoleScreen {

    private final Vertx vertx;
    private final Store store;
    private final RunDecisions decisions;
    private final ApprovalsInbox inbox;

    ApprovalsScreen(ConsoleParts parts) {
        this.vertx = parts.vertx();
        this.store = parts.store();
        this.decisions = new RunDecisions(parts.store(), parts.dispatcher(), parts.approval());
        this.inbox = new ApprovalsInbox(parts.store(), parts.runbooks(), decisions,
                new ManualRuns(parts.runbooks(), parts.dispatcher()), parts.clock());
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/approvals").handler(access.read(Role.VIEWER)).handler(context -> list(context, pages));
        router.get("/approvals/:id/plan").handler(access.read(Role.VIEWER)).handler(context -> plan(context, pages));
        router.get("/approvals/:id/status").handler(access.read(Role.VIEWER)).handler(context -> status(context, pages));
        for (RunDecisions.Action action : List.of(RunDecisions.Action.APPROVE, RunDecisions.Action.REJECT)) {
            router.post("/approvals/:id/" + action.wireName())
                    .handler(access.change(Role.OPERATOR, action.auditAction(), context -> "run " + context.pathParam("id")))
                    .handler(context -> decide(context, pages, action));
        }
    }

    private void list(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        String decided = context.queryParams().get("decided");
        pages.page(context, "console/approvals.jte", "Approvals", "approvals", () -> {
            Map<String, Object> model = new HashMap<>();
            model.put("inbox", inbox.inbox(principal));
            model.put("decided", decided == null ? Optional.empty() : decidedRun(principal, decided));
            return model;
        });
    }

    /** The run just decided (for the notice on top), with its last decision, if the principal may see it. */
    private Optional<DecidedRun> decidedRun(Principal principal, String runId) {
        return store.runs().find(runId).filter(run -> principal.covers(run.owner())).map(run -> {
            var last = decisions.decisionsOf(runId);
            return new DecidedRun(run, last.isEmpty() ? "" : last.getLast().action(),
                    last.isEmpty() ? "" : last.getLast().actor(), last.isEmpty() ? "" : last.getLast().reason());
        });
    }

    private void plan(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        String id = context.pathParam("id");
        boolean htmx = context.request().getHeader("HX-Request") != null;
        vertx.executeBlocking(() -> inbox.plan(principal, id), false).onComplete(result -> {
            if (result.failed()) {
                pages.error(context, 500, "Cannot plan run " + id, result.cause().getMessage());
                return;
            }
            switch (result.result()) {
                case ApprovalsInbox.Plan.Missing missing -> pages.error(context, 404, "No such waiting run",
                        "no run " + id + " waits for approval that your token may see: it may have been decided "
                                + "already (see /runs/" + id + ")");
                case ApprovalsInbox.Plan.Unavailable unavailable -> pages.fragment(context,
                        "console/inbox/unplanned.jte", () -> Map.of("why", unavailable.why()));
                case ApprovalsInbox.Plan.Shown shown -> {
                    if (htmx) {
                        pages.fragment(context, "console/plan.jte", () -> Map.of("plan", shown.plan()));
                    } else {
                        pages.page(context, "console/inbox/planpage.jte", "Plan of run " + id, "approvals",
                                () -> Map.of("plan", shown.plan(), "runId", id));
                    }
                }
            }
        });
    }

    private void status(RoutingContext context, ConsolePages pages) {
        Principal principal = HttpAccess.principal(context);
        String id = context.pathParam("id");
        vertx.executeBlocking(() -> store.runs().find(id).filter(run -> principal.covers(run.owner())), false)
                .onComplete(result -> {
                    if (result.failed()) {
                        pages.error(context, 500, "Cannot read run " + id, result.cause().getMessage());
                    } else if (result.result().isEmpty()) {
                        pages.error(context, 404, "No such run", "no run " + id + " that your token may see");
                    } else {
                        RunRecord run = result.result().get();
                        pages.fragment(context, "console/inbox/status.jte", () -> Map.of("run", run));
                    }
                });
    }

    private void decide(RoutingContext context, ConsolePages pages, RunDecisions.Action action) {
        Principal principal = HttpAccess.principal(context);
        String id = context.pathParam("id");
        String reason;
        try {
            reason = RunDecisions.checkedReason(context.request().getFormAttribute("reason"));
        } catch (IllegalArgumentException e) {
            pages.error(context, 422, "Invalid reason", e.getMessage() + "; nothing was decided: go back and "
                    + "change it");
            return;
        }
        if (action == RunDecisions.Action.REJECT && reason.isEmpty()) {
            pages.error(context, 422, "A reason is needed to reject", "say why run " + id + " must not run (it is "
                    + "recorded with the decision); nothing was decided: go back and give one");
            return;
        }
        vertx.executeBlocking(() -> decisions.decide(principal, id, action, reason), false).onComplete(result -> {
            if (result.failed()) {
                pages.error(context, 500, "Cannot " + action.wireName() + " run " + id, result.cause().getMessage());
                return;
            }
            switch (result.result()) {
                case RunDecisions.Result.Done done -> context.response().setStatusCode(303)
                        .putHeader("Location", "/approvals?decided=" + done.run().id()).end();
                case RunDecisions.Result.Forbidden forbidden -> pages.error(context, 403, "Not allowed",
                        forbidden.detail() + "; nothing was decided");
                case RunDecisions.Result.NotFound notFound -> pages.error(context, 404, "No such run",
                        "no run has id " + notFound.runId());
                case RunDecisions.Result.Conflict conflict -> pages.error(context, 409,
                        "Cannot " + action.wireName() + " run " + id, conflict.reason());
            }
        });
    }
}
