package dev.quench.core.server;

import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.incident.Postmortem;
import dev.quench.core.incident.PostmortemMarkdown;
import dev.quench.core.incident.RunbookTimes;
import dev.quench.core.store.IncidentQuery;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/v1/incidents[?status=open|resolved&runbook=&since=&limit=&offset=]} (newest first, with MTTA
 * and MTTR per runbook over the same filter), {@code GET /api/v1/incidents/{id}} (its alerts and its runs with
 * their steps and decisions) and {@code GET /api/v1/incidents/{id}/export?format=markdown|json} (the
 * postmortem draft). A team-scoped token sees its team's incidents (the owner of the runbook the first alert
 * matched) and gets 403 for another team's.
 */
final class IncidentRoutes {

    private static final int MAX_LIMIT = 1000;
    /** Incidents the per-runbook times are computed over, at most: a bound on one request's work. */
    private static final int MAX_TIMED = 10_000;
    private static final Duration DEFAULT_TIMES_SINCE = Duration.ofDays(30);

    private final Vertx vertx;
    private final Store store;
    private final Clock clock;

    IncidentRoutes(Vertx vertx, Store store, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void mount(Router router, Access access) {
        router.get("/api/v1/incidents").handler(access.read(Role.VIEWER)).handler(this::list);
        router.get("/api/v1/incidents/:id").handler(access.read(Role.VIEWER)).handler(this::show);
        router.get("/api/v1/incidents/:id/export").handler(access.read(Role.VIEWER)).handler(this::export);
    }

    private void list(RoutingContext context) {
        IncidentQuery query;
        Instant timesSince;
        try {
            String status = context.queryParams().get("status");
            Boolean open = status == null ? null : switch (status) {
                case "open" -> Boolean.TRUE;
                case "resolved" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("status must be open or resolved, was '" + status + "'");
            };
            String sinceText = context.queryParams().get("since");
            Instant since = sinceText == null ? null : AlertQueries.since(sinceText, clock.instant());
            timesSince = since != null ? since : clock.instant().minus(DEFAULT_TIMES_SINCE);
            query = new IncidentQuery(open, Access.principal(context).team(), context.queryParams().get("runbook"),
                    since, number(context, "limit", 100, 1, MAX_LIMIT), number(context, "offset", 0, 0,
                    Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> {
            List<IncidentRecord> page = store.incidents().list(query);
            List<IncidentRecord> timed = store.incidents().list(new IncidentQuery(query.open(), query.owner(),
                    query.runbook(), timesSince, MAX_TIMED, 0));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("incidents", page);
            body.put("limit", query.limit());
            body.put("offset", query.offset());
            body.put("byRunbook", RunbookTimes.of(timed));
            body.put("byRunbookSince", timesSince);
            return body;
        }, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the incidents", result.cause().getMessage());
            } else {
                JsonResponses.send(context, 200, result.result());
            }
        });
    }

    private void show(RoutingContext context) {
        withIncident(context, detail -> JsonResponses.send(context, 200, detail));
    }

    private void export(RoutingContext context) {
        String format = Optional.ofNullable(context.queryParams().get("format")).orElse("markdown");
        if (!format.equals("markdown") && !format.equals("json")) {
            HttpErrors.send(context, 400, "invalid query", "format must be markdown or json, was '" + format + "'");
            return;
        }
        withIncident(context, detail -> {
            Postmortem draft = Postmortem.of(detail);
            if (format.equals("json")) {
                JsonResponses.send(context, 200, draft);
            } else {
                context.response().setStatusCode(200).putHeader("content-type", "text/markdown; charset=utf-8")
                        .end(PostmortemMarkdown.render(draft));
            }
        });
    }

    private void withIncident(RoutingContext context, java.util.function.Consumer<IncidentDetail> answer) {
        String id = context.pathParam("id");
        vertx.executeBlocking(() -> IncidentDetail.load(store, id), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the incident", result.cause().getMessage());
            } else if (result.result().isEmpty()) {
                HttpErrors.send(context, 404, "no such incident", "no incident has id " + id
                        + " (GET /api/v1/incidents lists them; retention prunes old ones with their alerts)");
            } else if (Access.covers(context, result.result().get().incident().owner(), "incident " + id)) {
                answer.accept(result.result().get());
            }
        });
    }

    private static int number(RoutingContext context, String name, int fallback, int least, int most) {
        String text = context.queryParams().get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < least || value > most) {
                throw new IllegalArgumentException(name + " must be " + least + "-" + most + ", was " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + text + "'", e);
        }
    }
}
