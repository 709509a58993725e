package dev.quench.core.server;

import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may read {@code GET /metrics}: the API token, or the scrape token when {@code metrics.scrapeTokenFile}
 * names one (it reads {@code /metrics} and nothing else). The one place that decides it, so that when tokens
 * carry roles this becomes "a viewer token or the scrape token". Checked from the headers; a refusal is 401
 * and the connection is closed. Immutable.
 */
final class MetricsAccess {

    private final ApiToken apiToken;
    private final Optional<ApiToken> scrapeToken;

    MetricsAccess(ApiToken apiToken, Optional<ApiToken> scrapeToken) {
        this.apiToken = Objects.requireNonNull(apiToken, "apiToken");
        this.scrapeToken = Objects.requireNonNull(scrapeToken, "scrapeToken");
    }

    void check(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (apiToken.acceptsHeader(header) || scrapeToken.map(token -> token.acceptsHeader(header)).orElse(false)) {
            context.next();
            return;
        }
        HttpErrors.sendAndClose(context, 401, "unauthorized", "send 'Authorization: Bearer <token>' with the API token"
                + (scrapeToken.isPresent() ? " or the scrape token (metrics.scrapeTokenFile)" : "")
                + "; Prometheus: set authorization.credentials_file in the scrape config");
    }
}
