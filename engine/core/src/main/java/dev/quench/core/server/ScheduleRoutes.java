package dev.quench.core.server;

import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.store.Role;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Objects;

/** {@code GET /api/v1/schedules}: each schedule, its next fires, last run and misfires. Behind the API token. */
final class ScheduleRoutes {

    private final Vertx vertx;
    private final RunbookScheduler schedules;

    ScheduleRoutes(Vertx vertx, RunbookScheduler schedules) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.schedules = Objects.requireNonNull(schedules, "schedules");
    }

    /** Mount after {@link ApiRoutes}, whose {@code /api/v1/*} handler checks the token first. */
    void mount(Router router, Access access) {
        router.get("/api/v1/schedules").handler(access.readAllTeams(Role.VIEWER)).handler(this::list);
    }

    private void list(RoutingContext context) {
        vertx.executeBlocking(() -> Map.of("schedules", schedules.schedules()), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the schedules", result.cause().getMessage());
            } else {
                JsonResponses.send(context, 200, result.result());
            }
        });
    }
}
