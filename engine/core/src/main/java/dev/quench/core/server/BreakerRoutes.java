package dev.quench.core.server;

import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.guard.CircuitBreaker;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.Role;
import dev.quench.core.util.Durations;
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

/**
 * The runbooks' circuit breakers ({@code guards.breaker}): {@code GET /api/v1/breakers} (every runbook
 * with a breaker, tripped ones first), {@code GET /api/v1/runbooks/{name}/breaker} and
 * {@code POST /api/v1/runbooks/{name}/breaker/reset} (operator, audited, optional {@code {"reason": ...}}).
 * A team-scoped token sees and resets its team's runbooks only.
 */
final class BreakerRoutes {

    private final Vertx vertx;
    private final RunbookRegistry runbooks;
    private final CircuitBreaker breakers;

    BreakerRoutes(Vertx vertx, RunbookRegistry runbooks, CircuitBreaker breakers) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.breakers = Objects.requireNonNull(breakers, "breakers");
    }

    /** Mount after {@link ApiRoutes}, whose {@code /api/v1/*} handler checks the token first. */
    void mount(Router router, Access access) {
        router.get("/api/v1/breakers").handler(access.read(Role.VIEWER)).handler(this::list);
        router.get("/api/v1/runbooks/:name/breaker").handler(access.read(Role.VIEWER)).handler(this::show);
        router.post("/api/v1/runbooks/:name/breaker/reset")
                .handler(access.change(Role.OPERATOR, "breaker.reset", context -> "runbook " + context.pathParam("name")))
                .handler(this::reset);
    }

    private void list(RoutingContext context) {
        Principal principal = Access.principal(context);
        List<Runbook> guarded = runbooks.runbooks().stream()
                .filter(runbook -> runbook.guards().breaker().isPresent() && principal.covers(runbook.owner()))
                .toList();
        vertx.executeBlocking(() -> {
            List<Map<String, Object>> states = guarded.stream().map(breakers::state).flatMap(Optional::stream)
                    .sorted(java.util.Comparator.comparing((CircuitBreaker.State state) -> !state.tripped())
                            .thenComparing(CircuitBreaker.State::runbook))
                    .map(BreakerRoutes::view).toList();
            return Map.of("breakers", states);
        }, false).onComplete(result -> answer(context, result.succeeded() ? result.result() : null, result.cause()));
    }

    private void show(RoutingContext context) {
        Runbook runbook = guarded(context);
        if (runbook == null) {
            return;
        }
        vertx.executeBlocking(() -> view(breakers.state(runbook).orElseThrow()), false)
                .onComplete(result -> answer(context, result.succeeded() ? result.result() : null, result.cause()));
    }

    private void reset(RoutingContext context) {
        String reason = "";
        if (context.body() != null && context.body().length() > 0) {
            try {
                JsonObject body = Objects.requireNonNullElseGet(context.body().asJsonObject(), JsonObject::new);
                RequestText.refuseBy(body, Access.principal(context));
                reason = RequestText.reason(body);
            } catch (DecodeException | ClassCastException e) {
                HttpErrors.send(context, 400, "body is not a JSON object", "send {\"reason\": \"...\"} or nothing: "
                        + e.getMessage());
                return;
            } catch (IllegalArgumentException e) {
                HttpErrors.send(context, 422, "invalid body", e.getMessage());
                return;
            }
        }
        Runbook runbook = guarded(context);
        if (runbook == null) {
            return;
        }
        String who = Access.principal(context).name() + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
        vertx.executeBlocking(() -> view(breakers.reset(runbook, who).orElseThrow()), false)
                .onComplete(result -> answer(context, result.succeeded() ? result.result() : null, result.cause()));
    }

    /** The runbook named in the path, when it is loaded, has a breaker and the token covers it; else answered. */
    private Runbook guarded(RoutingContext context) {
        String name = context.pathParam("name");
        Runbook runbook = runbooks.find(name).orElse(null);
        if (runbook == null) {
            HttpErrors.send(context, 404, "no such runbook", "no loaded runbook is called '" + name
                    + "'; GET /api/v1/runbooks lists them");
            return null;
        }
        if (!Access.covers(context, runbook.owner(), "runbook " + name)) {
            return null;
        }
        if (runbook.guards().breaker().isEmpty()) {
            HttpErrors.send(context, 404, "no breaker", "runbook " + name + " (" + runbook.source()
                    + ") declares no guards.breaker; add one like breaker: {failures: 3, within: 1h}");
            return null;
        }
        return runbook;
    }

    private static void answer(RoutingContext context, Object body, Throwable cause) {
        if (cause != null) {
            HttpErrors.send(context, 500, "cannot read the breaker", String.valueOf(cause.getMessage()));
        } else {
            JsonResponses.send(context, 200, body);
        }
    }

    /** A breaker as JSON: times ISO-8601, durations like {@code 1h}. */
    static Map<String, Object> view(CircuitBreaker.State state) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("runbook", state.runbook());
        view.put("state", state.tripped() ? "tripped" : "closed");
        view.put("failures", state.spec().failures());
        view.put("within", Durations.format(state.spec().within()));
        view.put("coolOff", Durations.format(state.spec().coolOff()));
        view.put("recentFailures", state.recentFailures());
        state.trippedAt().ifPresent(at -> view.put("trippedAt", at.toString()));
        if (state.tripped()) {
            view.put("reason", state.reason());
        }
        state.closesAt().ifPresent(at -> view.put("closesAt", at.toString()));
        if (!state.lastResetBy().isEmpty()) {
            view.put("lastResetBy", state.lastResetBy());
        }
        state.lastResetAt().ifPresent(at -> view.put("lastResetAt", at.toString()));
        return view;
    }
}
