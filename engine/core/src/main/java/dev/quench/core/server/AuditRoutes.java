package dev.quench.core.server;

import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/v1/audit?actor=&action=&since=&before=&limit=}: the audit trail, newest first ({@link AuditQuery}). Read-only:
 * nothing in the API changes or deletes it. Needs a viewer token without a team scope (the trail
 * spans every team).
 */
final class AuditRoutes {

    private final Vertx vertx;
    private final Store store;
    private final Clock clock;

    AuditRoutes(Vertx vertx, Store store, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void mount(Router router, Access access) {
        router.get("/api/v1/audit").handler(access.readAllTeams(AuditQuery.READER)).handler(this::list);
    }

    private void list(RoutingContext context) {
        AuditQuery query;
        try {
            query = AuditQuery.parse(context.queryParams()::get, clock.instant(), 100);
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 400, "invalid query", e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> query.run(store), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the audit trail", result.cause().getMessage());
            } else {
                JsonResponses.send(context, 200, Map.of("entries", result.result()));
            }
        });
    }
}
