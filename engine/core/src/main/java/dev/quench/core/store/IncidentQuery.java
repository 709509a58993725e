package dev.quench.core.store;

import java.time.Instant;

/**
 * Which incidents to list, newest first.
 *
 * @param open    true: only open ones, false: only resolved ones, null: both
 * @param owner   only this team's (a team-scoped token), or null
 * @param runbook only those with a run of this runbook, or null
 * @param since   only those opened at or after this, or null
 * @param limit   at most this many
 * @param offset  skipping this many (paging)
 */
public record IncidentQuery(Boolean open, String owner, String runbook, Instant since, int limit, int offset) {

    public IncidentQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
    }
}
