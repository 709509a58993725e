package dev.quench.core.ingest;

import dev.quench.core.config.ConfigSection;
import java.time.Duration;

/**
 * What one client may hold of the HTTP server, from the {@code ingest:} section of
 * {@code quench.yaml}: connections, time and body bytes. Immutable.
 *
 * @param maxConnections   open connections at most; a connection beyond it is closed at once
 * @param idleTimeout      a connection that sends no complete request head for this long is closed
 *                         (an idle keep-alive connection, or one trickling its headers)
 * @param requestTimeout   a request's body must have arrived this long after its head, else 408
 * @param webhookBodyLimit bytes of a {@code /hooks/...} body (a 10,000-alert storm is about 10 MB)
 * @param apiBodyLimit     bytes of an {@code /api/v1/...} body
 */
public record HttpLimits(int maxConnections, Duration idleTimeout, Duration requestTimeout, long webhookBodyLimit,
                  long apiBodyLimit) {

    static final HttpLimits DEFAULT = new HttpLimits(1_000, Duration.ofSeconds(30), Duration.ofSeconds(60),
            32L * 1024 * 1024, 1024L * 1024);

    /** The keys of the {@code ingest:} section it owns; absent keys keep their defaults. */
    static HttpLimits from(ConfigSection section, IngestSettings.Section keys) {
        return new HttpLimits(
                section.atLeast("maxConnections", keys.maxConnections(), 1, DEFAULT.maxConnections()),
                IngestSettings.atLeast(section, "idleTimeout", keys.idleTimeout(), Duration.ofSeconds(1), "1s",
                        DEFAULT.idleTimeout()),
                IngestSettings.atLeast(section, "requestTimeout", keys.requestTimeout(), Duration.ofSeconds(1), "1s",
                        DEFAULT.requestTimeout()),
                bodyLimit(section, "webhookBodyLimit", keys.webhookBodyLimit(), DEFAULT.webhookBodyLimit()),
                bodyLimit(section, "apiBodyLimit", keys.apiBodyLimit(), DEFAULT.apiBodyLimit()));
    }

    private static long bodyLimit(ConfigSection section, String key, Long value, long fallback) {
        long limit = section.atLeast(key, value, 1024, fallback);
        if (limit > Integer.MAX_VALUE) {
            throw section.invalid(key, "must be at most " + Integer.MAX_VALUE + " bytes, got " + limit);
        }
        return limit;
    }
}
