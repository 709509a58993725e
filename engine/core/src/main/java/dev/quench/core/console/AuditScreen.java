package dev.quench.core.console;

import dev.quench.core.server.AuditQuery;
import dev.quench.core.server.HttpAccess;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Store;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /audit?actor=&action=&since=&before=}: the audit trail, newest first, 50 a page, read with the query
 * of {@code GET /api/v1/audit} ({@link AuditQuery}) and for the same tokens ({@link AuditQuery#READER}, no team).
 */
final class AuditScreen implements ConsoleScreen {

    static final int PAGE_SIZE = 50;

    private final Store store;
    private final Clock clock;

    AuditScreen(Store store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/audit").handler(access.readAllTeams(AuditQuery.READER)).handler(context -> list(context, pages));
    }

    private void list(RoutingContext context, ConsolePages pages) {
        String actor = text(context, "actor");
        String action = text(context, "action");
        String since = text(context, "since");
        pages.page(context, "console/audit.jte", "Audit", "audit", () -> {
            AuditQuery query;
            try {
                query = AuditQuery.parse(name -> name.equals("limit") ? null : context.request().getParam(name),
                        clock.instant(), PAGE_SIZE);
            } catch (IllegalArgumentException e) {
                return Map.of("audit", new AuditView(actor, action, since, List.of(), "", e.getMessage()));
            }
            List<AuditEntry> entries = query.run(store);
            String next = entries.size() < PAGE_SIZE ? "" : "/audit?actor=" + encode(actor) + "&action="
                    + encode(action) + "&since=" + encode(since) + "&before=" + entries.getLast().id();
            return Map.of("audit", new AuditView(actor, action, since, entries, next, ""));
        });
    }

    private static String text(RoutingContext context, String name) {
        String value = context.request().getParam(name);
        return value == null ? "" : value.strip();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
