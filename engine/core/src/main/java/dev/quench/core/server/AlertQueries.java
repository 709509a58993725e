package dev.quench.core.server;

import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.util.Durations;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads {@code GET /api/v1/alerts?status=&source=&matched=&since=&limit=}. {@code since} is a
 * duration back from now ({@code 30m}, {@code 7d}) or an RFC 3339 time. Thread-safe (stateless).
 */
final class AlertQueries {

    private AlertQueries() {
    }

    static AlertQuery parse(MultiMap params, int limit, Instant now) {
        AlertStatus status = null;
        if (params.contains("status")) {
            status = AlertStatus.parse(params.get("status")).orElseThrow(() -> new IllegalArgumentException(
                    "status must be firing or resolved, was '" + params.get("status") + "'"));
        }
        Boolean matched = null;
        if (params.contains("matched")) {
            matched = switch (params.get("matched")) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("matched must be true or false, was '"
                        + params.get("matched") + "'");
            };
        }
        Instant since = null;
        if (params.contains("since")) {
            since = since(params.get("since"), now);
        }
        String source = params.contains("source") ? params.get("source") : null;
        return new AlertQuery(status, source, matched, since, limit);
    }

    /** {@code 30m}, {@code 7d} back from now, or an RFC 3339 time. */
    static Instant since(String text, Instant now) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notATime) {
            try {
                return now.minus(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("since must be a duration (30m, 7d) or an RFC 3339 time, was '"
                        + text + "'", e);
            }
        }
    }
}
