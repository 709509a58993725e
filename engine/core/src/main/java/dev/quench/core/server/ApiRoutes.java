package dev.quench.core.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.SampleAlerts;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.AlertPage;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunPage;
import dev.quench.core.store.RunQuery;
import dev.quench.core.store.Store;
import dev.quench.core.util.Durations;
import dev.quench.core.util.Json;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code /api/v1/...}: run history, manual runs, runbooks, alerts and the toil ledger. */
final class ApiRoutes {

    private static final int MAX_LIMIT = 1000;
    /** Retry-After while the runbooks load at start-up: a load of 10,000 runbooks takes seconds. */
    private static final int LOADING_RETRY_AFTER_SECONDS = 2;

    private final Vertx vertx;
    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunDispatcher dispatcher;
    private final ToilLedger ledger;
    private final Clock clock;
    private final ManualRuns manualRuns;

    ApiRoutes(Vertx vertx, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher, ToilLedger ledger,
              Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.runbooks = runbooks;
        this.dispatcher = dispatcher;
        this.ledger = ledger;
        this.clock = clock;
        this.manualRuns = new ManualRuns(runbooks, dispatcher);
    }

    /**
     * Mounts the routes; the token is checked from the headers (every {@code /api/v1} route needs viewer at
     * least), then a body of {@code bodyLimit} bytes at most is read.
     */
    void mount(Router router, Access access, long bodyLimit) {
        // Two routes: Vert.x Web runs a route's body handler before its other handlers.
        router.route("/api/v1/*").handler(access::api);
        router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
        router.get("/api/v1/runs").handler(access.read(Role.VIEWER)).handler(this::listRuns);
        router.get("/api/v1/runs/:id").handler(access.read(Role.VIEWER)).handler(this::getRun);
        router.post("/api/v1/runs").handler(access.change(Role.OPERATOR, "run.start", ApiRoutes::runbookOfBody))
                .handler(this::startRun);
        router.get("/api/v1/runbooks").handler(access.read(Role.VIEWER)).handler(this::listRunbooks);
        router.get("/api/v1/toil").handler(access.readAllTeams(Role.VIEWER)).handler(this::toil);
        router.get("/api/v1/alerts").handler(access.read(Role.VIEWER)).handler(this::alerts);
        router.get("/api/v1/toil/share").handler(access.readAllTeams(Role.VIEWER)).handler(this::toilShare);
        router.get("/api/v1/nodes").handler(access.readAllTeams(Role.VIEWER)).handler(this::listNodes);
    }

    /** The cluster's nodes: last heartbeat and the runs each holds (a single node lists itself). */
    private void listNodes(RoutingContext context) {
        blocking(context, () -> Map.of("nodes", store.nodes().list()));
    }

    private static String runbookOfBody(RoutingContext context) {
        JsonObject body = context.body() == null ? null : context.body().asJsonObject();
        return body == null ? null : "runbook " + body.getString("runbook");
    }

    private void listRuns(RoutingContext context) {
        RunQuery query;
        try {
            query = RunQueries.parse(context.queryParams(), Access.principal(context), 100, clock.instant());
        } catch (RunQueries.TeamOutOfScope e) {
            HttpErrors.send(context, 403, "forbidden", e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        blocking(context, () -> {
            RunPage page = store.runs().page(query);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("runs", page.runs());
            page.next().ifPresent(next -> answer.put("next", next.token()));
            return answer;
        });
    }

    private void getRun(RoutingContext context) {
        String id = context.pathParam("id");
        vertx.executeBlocking(() -> store.runs().find(id), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the run", result.cause().getMessage());
            } else if (result.result().isEmpty()) {
                HttpErrors.send(context, 404, "no such run", "no run has id " + id);
            } else if (Access.covers(context, result.result().get().owner(), "run " + id)) {
                JsonResponses.send(context, 200, result.result().get());
            }
        });
    }

    /**
     * True after answering 503 when the start-up load of the runbooks has not finished: a look-up
     * would wait for it, and on the event loop that would stall every other request meanwhile.
     */
    private boolean stillLoading(RoutingContext context) {
        if (runbooks.loaded()) {
            return false;
        }
        context.response().putHeader("Retry-After", Integer.toString(LOADING_RETRY_AFTER_SECONDS));
        HttpErrors.send(context, 503, "runbooks are still loading",
                "Quench is loading the runbooks in " + runbooks.directory().toAbsolutePath() + " (start-up); retry in "
                        + LOADING_RETRY_AFTER_SECONDS + " s — GET /health/ready answers 200 once they are loaded "
                        + "(if this lasts, the load failed: see the log)");
        return true;
    }

    private void startRun(RoutingContext context) {
        if (stillLoading(context)) {
            return;
        }
        JsonObject request;
        try {
            request = context.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            HttpErrors.send(context, 400, "body is not a JSON object", e.getMessage());
            return;
        }
        if (request == null || request.getString("runbook") == null) {
            HttpErrors.send(context, 400, "missing field 'runbook'", "send {\"runbook\": NAME, \"params\": {...}}");
            return;
        }
        Principal principal = Access.principal(context);
        try {
            RequestText.refuseBy(request, principal);
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 422, "invalid field 'by'", e.getMessage());
            return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonObject given = request.getJsonObject("params", new JsonObject());
        given.forEach(entry -> params.put(entry.getKey(), String.valueOf(entry.getValue())));
        Alert alert;
        try {
            JsonObject alertJson = request.getJsonObject("alert");
            alert = alertJson == null ? null : SampleAlerts.fromNode(Json.json().readTree(alertJson.encode()), "alert");
        } catch (IllegalArgumentException | ClassCastException | JsonProcessingException e) {
            HttpErrors.send(context, 422, "invalid alert", e.getMessage());
            return;
        }
        ManualRuns.Request asked = new ManualRuns.Request(request.getString("runbook"), params, alert,
                request.getBoolean("dryRun", false), request.getBoolean("force", false));
        vertx.executeBlocking(() -> manualRuns.submit(principal, asked), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "request failed", result.cause().getMessage());
                return;
            }
            switch (result.result()) {
                case ManualRuns.Outcome.Started started -> JsonResponses.send(context, 202, started.run());
                case ManualRuns.Outcome.Planned planned -> JsonResponses.send(context, 200, planned.plan());
                case ManualRuns.Outcome.Refused refused -> HttpErrors.send(context, refused.status(), refused.error(),
                        refused.detail());
            }
        });
    }

    private void listRunbooks(RoutingContext context) {
        if (stillLoading(context)) {
            return;
        }
        Principal principal = Access.principal(context);
        List<Map<String, Object>> loaded = runbooks.runbooks().stream()
                .filter(runbook -> principal.covers(runbook.owner())).map(RunbookViews::summary).toList();
        // A broken file names no owner that can be trusted: its problems are for tokens of every team.
        List<String> problems = principal.team() != null ? List.of()
                : runbooks.problems().stream().map(Object::toString).toList();
        List<Map<String, Object>> kept = runbooks.kept().stream()
                .filter(keep -> principal.covers(keep.runbook().owner())).map(keep -> Map.<String, Object>of(
                "name", keep.runbook().name(), "source", keep.runbook().source().toString(),
                "reason", keep.reason(), "note", "the file is broken: the last good version stays in service")).toList();
        JsonResponses.send(context, 200, Map.of("runbooks", loaded, "problems", problems, "kept", kept,
                "directory", runbooks.directory().toAbsolutePath().toString()));
    }

    private void toil(RoutingContext context) {
        Instant since;
        ToilGrouping by;
        try {
            since = clock.instant().minus(Durations.parse(context.queryParams().contains("since")
                    ? context.queryParams().get("since") : "30d"));
            by = ToilGrouping.parse(context.queryParams().contains("by") ? context.queryParams().get("by") : "runbook");
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        blocking(context, () -> ledger.report(since, by));
    }

    /** {@code GET /api/v1/toil/share?since=30d}: toil share per team and week, coverage, automate next. */
    private void toilShare(RoutingContext context) {
        Instant now = clock.instant();
        Instant since;
        try {
            since = now.minus(Durations.parse(context.queryParams().contains("since")
                    ? context.queryParams().get("since") : "30d"));
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        blocking(context, () -> ledger.shares(since, now));
    }

    private void alerts(RoutingContext context) {
        AlertQuery query;
        try {
            query = AlertQueries.parse(context.queryParams(), limit(context, 100), clock.instant());
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        // A team-scoped token sees the alerts that started its team's runs, with only those runs.
        AlertQuery scoped = query.withTeam(Access.principal(context).team());
        blocking(context, () -> {
            AlertPage page = store.alerts().page(scoped);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("alerts", page.alerts());
            answer.put("next", page.next().orElse(null));
            return answer;
        });
    }

    private static int limit(RoutingContext context, int fallback) {
        String text = context.queryParams().get("limit");
        if (text == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + text);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number, was '" + text + "'", e);
        }
    }

    private void blocking(RoutingContext context, Callable<Object> work) {
        blocking(context, 200, work);
    }

    private void blocking(RoutingContext context, int status, Callable<Object> work) {
        vertx.executeBlocking(work, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "request failed", result.cause().getMessage());
            } else {
                JsonResponses.send(context, status, result.result());
            }
        });
    }
}
