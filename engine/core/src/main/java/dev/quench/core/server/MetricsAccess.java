package dev.quench.core.server;

import dev.quench.core.store.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read {@code GET /metrics}: a named token of role {@code viewer} or above without a team (the
 * metrics cover every team's runbooks), or the scrape token when {@code metrics.scrapeTokenFile} names one
 * (it reads {@code /metrics} and nothing else, and is compared in constant time). The one place that
 * decides it. Checked from the headers. Immutable.
 */
final class MetricsAccess {

    private static final String BEARER = "Bearer ";

    private final Handler<RoutingContext> viewer;
    private final Optional<ApiToken> scrapeToken;

    MetricsAccess(Access access, Optional<ApiToken> scrapeToken) {
        this.viewer = Objects.requireNonNull(access, "access").readAllTeams(Role.VIEWER);
        this.scrapeToken = Objects.requireNonNull(scrapeToken, "scrapeToken");
    }

    void check(RoutingContext context) {
        if (scrapeToken.isPresent() && isScrapeToken(context.request().getHeader("Authorization"))) {
            context.next();
            return;
        }
        viewer.handle(context);
    }

    private boolean isScrapeToken(String header) {
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] offered = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(scrapeToken.get().value().getBytes(StandardCharsets.UTF_8), offered);
    }
}
