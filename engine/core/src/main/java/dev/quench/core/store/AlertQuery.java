package dev.quench.core.store;

import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * A filter over received alerts for {@code GET /api/v1/alerts}; null fields do not filter.
 *
 * @param status  firing or resolved
 * @param source  the webhook source name
 * @param matched true: matched at least one runbook; false: processed and matched none
 * @param since   received at or after
 * @param limit   at most this many, newest first
 */
public record AlertQuery(AlertStatus status, String source, Boolean matched, Instant since, int limit) {

    public AlertQuery {
        since = since == null ? Instant.EPOCH : since;
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    public static AlertQuery newest(int limit) {
        return new AlertQuery(null, null, null, null, limit);
    }

    public AlertQuery withSource(String newSource) {
        return new AlertQuery(status, Objects.requireNonNull(newSource, "source"), matched, since, limit);
    }
}
