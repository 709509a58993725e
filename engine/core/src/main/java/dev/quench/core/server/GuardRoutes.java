package dev.quench.core.server;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.guard.KillSwitch;
import dev.quench.core.guard.RunControl;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Approvals, cancellation and the kill switch: {@code POST /api/v1/runs/{id}/approve|reject|cancel},
 * {@code POST /api/v1/pause|resume}, {@code GET /api/v1/status} and {@code GET /api/v1/runs/{id}/decisions}.
 * Bodies are optional: {@code {"reason": "..."}}, recorded with the decision and the token's name as
 * actor ({@code by} is refused: 422); a pause may add {@code "cancelRunning": true} to stop the runs
 * executing on this engine as well. Decisions need an operator token covering the run's team; with
 * {@code approval.separateApprover} nobody approves a run they started themselves.
 */
final class GuardRoutes {

    private final Vertx vertx;
    private final Store store;
    private final RunDispatcher dispatcher;
    private final RunControl control;
    private final KillSwitch killSwitch;
    private final ApprovalSettings approval;
    private final KillSwitchActions actions;

    /** Refused before anything was decided: 403 with why. */
    private record Forbidden(String detail) {
    }

    GuardRoutes(Vertx vertx, Store store, RunDispatcher dispatcher, ApprovalSettings approval) {
        this.approval = Objects.requireNonNull(approval, "approval");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.control = dispatcher.runControl();
        this.killSwitch = dispatcher.killSwitch();
        this.actions = new KillSwitchActions(dispatcher);
    }

    /** Mount after {@link ApiRoutes}, whose {@code /api/v1/*} handler checks the token first. */
    void mount(Router router, Access access) {
        for (String action : List.of("approve", "reject", "cancel")) {
            router.post("/api/v1/runs/:id/" + action)
                    .handler(access.change(Role.OPERATOR, "run." + action, context -> "run " + context.pathParam("id")))
                    .handler(context -> decide(context, action));
        }
        router.get("/api/v1/runs/:id/decisions").handler(access.read(Role.VIEWER)).handler(this::decisions);
        router.post("/api/v1/pause").handler(access.changeAllTeams(Role.OPERATOR, "pause", context -> "engine"))
                .handler(context -> flip(context, true));
        router.post("/api/v1/resume").handler(access.changeAllTeams(Role.OPERATOR, "resume", context -> "engine"))
                .handler(context -> flip(context, false));
        router.get("/api/v1/status").handler(access.read(Role.VIEWER)).handler(context -> blocking(context, this::status));
    }

    private void decisions(RoutingContext context) {
        String id = context.pathParam("id");
        Principal principal = Access.principal(context);
        vertx.executeBlocking(() -> store.runs().find(id), false).onComplete(found -> {
            if (found.failed()) {
                HttpErrors.send(context, 500, "cannot read run " + id, found.cause().getMessage());
            } else if (found.result().isPresent() && !principal.covers(found.result().get().owner())) {
                Access.covers(context, found.result().get().owner(), "run " + id);
            } else {
                blocking(context, () -> Map.of("decisions", control.decisions(id)));
            }
        });
    }

    /** Why {@code principal} may not decide {@code action} about {@code run}, or null when it may. */
    private String forbidden(Principal principal, RunRecord run, String action) {
        if (!principal.covers(run.owner())) {
            return "token '" + principal.name() + "' is limited to team '" + principal.team() + "'; run " + run.id()
                    + " belongs to team '" + (run.owner() == null || run.owner().isEmpty() ? "(none)" : run.owner())
                    + "': a token of that team (or without a team) is needed";
        }
        if (action.equals("approve") && approval.separateApprover() && startedBy(run, principal.name())) {
            return "run " + run.id() + " was started by '" + principal.name() + "', and approval.separateApprover is "
                    + "on: another operator must approve it";
        }
        return null;
    }

    /** Whether {@code run} was started by hand by {@code name} ("by alice", "by alice (force: ...)"). */
    static boolean startedBy(RunRecord run, String name) {
        String detail = run.triggerDetail() == null ? "" : run.triggerDetail();
        return run.triggerType() == TriggerType.MANUAL
                && (detail.equals("by " + name) || detail.startsWith("by " + name + " ("));
    }

    private void decide(RoutingContext context, String action) {
        JsonObject body = body(context);
        if (body == null) {
            return;
        }
        String id = context.pathParam("id");
        Principal principal = Access.principal(context);
        String who = principal.name();
        String why = checkedReason(context, body, principal);
        if (why == null) {
            return;
        }
        vertx.<Object>executeBlocking(() -> {
            Optional<RunRecord> run = store.runs().find(id);
            String refusal = run.map(found -> forbidden(principal, found, action)).orElse(null);
            if (refusal != null) {
                return new Forbidden(refusal);
            }
            RunControl.Outcome outcome = switch (action) {
                case "approve" -> control.approve(id, who, why);
                case "reject" -> control.reject(id, who, why);
                default -> dispatcher.cancel(id, who, why);
            };
            if (outcome instanceof RunControl.Outcome.Done done && done.run().status() == RunStatus.QUEUED) {
                dispatcher.startQueued(id);
            }
            return outcome;
        }, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot " + action + " run " + id, result.cause().getMessage());
                return;
            }
            if (result.result() instanceof Forbidden forbidden) {
                HttpErrors.send(context, 403, "forbidden", forbidden.detail());
                return;
            }
            switch ((RunControl.Outcome) result.result()) {
                case RunControl.Outcome.Done done -> JsonResponses.send(context, 200, done.run());
                case RunControl.Outcome.NotFound notFound -> HttpErrors.send(context, 404, "no such run",
                        "no run has id " + notFound.runId());
                case RunControl.Outcome.Conflict conflict -> HttpErrors.send(context, 409,
                        "cannot " + action + " run " + id, conflict.reason());
            }
        });
    }

    private void flip(RoutingContext context, boolean pause) {
        JsonObject body = body(context);
        if (body == null) {
            return;
        }
        Principal principal = Access.principal(context);
        String who = principal.name();
        String why = checkedReason(context, body, principal);
        if (why == null) {
            return;
        }
        Object cancelRunning = body.getValue("cancelRunning");
        if (cancelRunning != null && !(cancelRunning instanceof Boolean)) {
            HttpErrors.send(context, 400, "cancelRunning must be true or false",
                    "found " + cancelRunning + "; send {\"cancelRunning\": true, \"reason\": \"...\"} to stop the "
                            + "running runs too, or leave it out");
            return;
        }
        if (!pause && Boolean.TRUE.equals(cancelRunning)) {
            HttpErrors.send(context, 400, "cancelRunning applies to pause only",
                    "POST /api/v1/resume takes {\"reason\": ...}; leave cancelRunning out");
            return;
        }
        blocking(context, () -> actions.set(pause, who, why, Boolean.TRUE.equals(cancelRunning)));
    }

    private Map<String, Object> status() {
        KillSwitch.State state = killSwitch.state();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("paused", state.paused());
        status.put("changedBy", state.changedBy());
        status.put("reason", state.reason());
        status.put("changedAt", state.changedAt());
        status.put("queued", store.runs().idsWithStatus(RunStatus.QUEUED).size());
        status.put("awaitingApproval", store.runs().idsWithStatus(RunStatus.AWAITING_APPROVAL).size());
        return status;
    }

    /** The JSON body, {} when there is none; null after answering 400. */
    private static JsonObject body(RoutingContext context) {
        if (context.body() == null || context.body().length() == 0) {
            return new JsonObject();
        }
        try {
            JsonObject body = context.body().asJsonObject();
            return body == null ? new JsonObject() : body;
        } catch (DecodeException | ClassCastException e) {
            HttpErrors.send(context, 400, "body is not a JSON object", "send {\"reason\": \"...\"} "
                    + "or nothing: " + e.getMessage());
            return null;
        }
    }

    /** The body's reason; null after answering 422 for a {@code by} or a reason with control characters. */
    private static String checkedReason(RoutingContext context, JsonObject body, Principal principal) {
        try {
            RequestText.refuseBy(body, principal);
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 422, "invalid field 'by'", e.getMessage());
            return null;
        }
        try {
            return RequestText.reason(body);
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 422, "invalid reason", e.getMessage());
            return null;
        }
    }

    private void blocking(RoutingContext context, Callable<Object> work) {
        vertx.executeBlocking(work, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "request failed", result.cause().getMessage());
            } else {
                JsonResponses.send(context, 200, result.result());
            }
        });
    }
}
