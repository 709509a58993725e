package dev.quench.core.console;

import dev.quench.core.server.AlertQueries;
import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.Principal;
import dev.quench.core.store.AlertPage;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /alerts}: received alerts, newest first, filtered by a GET form (matched or not, status, source,
 * alert name, time range) and paged by cursor, each with links to the runs it started. It reads the same
 * listing as {@code GET /api/v1/alerts}, parsed by the same code; a team-scoped token sees the alerts that
 * started its team's runs, with only those runs. Thread-safe.
 */
final class AlertsScreen implements ConsoleScreen {

    /** Alerts per page. */
    static final int PAGE_SIZE = 50;

    private final Store store;
    private final Clock clock;

    AlertsScreen(Store store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/alerts").handler(access.read(Role.VIEWER)).handler(context -> list(context, pages));
    }

    private void list(RoutingContext context, ConsolePages pages) {
        AlertFilterForm form = AlertFilterForm.of(context.queryParams());
        Principal principal = HttpAccess.principal(context);
        AlertQuery query;
        try {
            query = AlertQueries.parse(context.queryParams(), PAGE_SIZE, clock.instant()).withTeam(principal.team());
        } catch (IllegalArgumentException refused) {
            // The form comes back with the values as given and what to change; nothing was read.
            context.response().setStatusCode(400);
            AlertsView view = new AlertsView(form, refused.getMessage() + ". Change the filter and try again.",
                    new AlertPage(List.of(), Optional.empty()), principal.team(), false);
            pages.page(context, "console/alerts.jte", "Alerts", "alerts", () -> Map.of("view", view));
            return;
        }
        pages.page(context, "console/alerts.jte", "Alerts", "alerts", () -> Map.of("view",
                new AlertsView(form, null, store.alerts().page(query), principal.team(), query.before() != null)));
    }
}
