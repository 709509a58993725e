package dev.quench.core.server;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.SourceSettings;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates webhook senders: each source's own bearer token when configured, the API token
 * otherwise, nothing when the source is configured {@code open: true}. A refusal is 401 with no
 * side effect.
 */
final class SourceAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SourceAuth.class);

    private final QuenchConfig config;
    private final ApiToken apiToken;
    private final Map<String, ApiToken> sourceTokens = new HashMap<>();

    SourceAuth(QuenchConfig config, ApiToken apiToken, Iterable<String> sources) {
        this.config = config;
        this.apiToken = apiToken;
        for (String source : sources) {
            SourceSettings settings = config.source(source);
            if (settings.open()) {
                LOG.warn("webhook source '{}' is configured open: anyone who can reach this port can post alerts", source);
            }
            settings.bearerTokenFileIfSet().ifPresent(file -> {
                try {
                    sourceTokens.put(source, ApiToken.load(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("sources." + source + ".auth.bearerTokenFile " + file
                            + " cannot be read: " + e.getMessage(), e);
                }
            });
        }
    }

    void check(RoutingContext context, String source) {
        SourceSettings settings = config.source(source);
        if (settings.open()) {
            context.next();
            return;
        }
        ApiToken expected = sourceTokens.getOrDefault(source, apiToken);
        if (expected.acceptsHeader(context.request().getHeader("Authorization"))) {
            context.next();
        } else {
            HttpErrors.send(context, 401, "unauthorized",
                    "send 'Authorization: Bearer <token>' with the token of source '" + source + "'");
        }
    }

    void checkApi(RoutingContext context) {
        if (apiToken.acceptsHeader(context.request().getHeader("Authorization"))) {
            context.next();
        } else {
            HttpErrors.send(context, 401, "unauthorized", "send 'Authorization: Bearer <API token>'");
        }
    }
}
