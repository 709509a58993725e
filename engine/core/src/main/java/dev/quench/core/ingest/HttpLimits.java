package dev.quench.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigException;
import dev.quench.core.util.Durations;
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

    /** Reads the keys of the {@code ingest:} section it owns; absent keys keep their defaults. */
    static HttpLimits from(JsonNode ingest) {
        if (ingest == null || ingest.isMissingNode() || ingest.isNull()) {
            return DEFAULT;
        }
        return new HttpLimits(
                (int) whole(ingest, "maxConnections", DEFAULT.maxConnections(), 1, Integer.MAX_VALUE),
                duration(ingest, "idleTimeout", DEFAULT.idleTimeout()),
                duration(ingest, "requestTimeout", DEFAULT.requestTimeout()),
                whole(ingest, "webhookBodyLimit", DEFAULT.webhookBodyLimit(), 1024, Integer.MAX_VALUE),
                whole(ingest, "apiBodyLimit", DEFAULT.apiBodyLimit(), 1024, Integer.MAX_VALUE));
    }

    private static long whole(JsonNode ingest, String key, long fallback, long least, long most) {
        JsonNode node = ingest.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < least
                || node.longValue() > most) {
            throw new ConfigException("ingest." + key + " must be a whole number from " + least + " to " + most
                    + ", not '" + node.asText() + "'");
        }
        return node.longValue();
    }

    private static Duration duration(JsonNode ingest, String key, Duration fallback) {
        JsonNode node = ingest.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        Duration duration;
        try {
            duration = Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ingest." + key + ": " + e.getMessage());
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException("ingest." + key + " must be at least 1s, not " + node.asText());
        }
        return duration;
    }
}
