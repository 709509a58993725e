package dev.quench.core.store;

import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * A filter over received alerts for {@code GET /api/v1/alerts} and the console's alerts page; null fields
 * do not filter.
 *
 * @param status    firing or resolved
 * @param source    the webhook source name
 * @param matched   true: matched at least one runbook; false: processed and matched none
 * @param since     received at or after
 * @param limit     at most this many, newest first
 * @param alertname the alert's name ({@code alertname} label), exactly
 * @param until     received before
 * @param before    only alerts with a smaller id: the cursor of the next page ({@link AlertPage#next()})
 * @param team      only alerts that started a run of a runbook this team owns, with only those runs listed
 *                  (a team-scoped token's view); alerts that started no run belong to no team
 */
public record AlertQuery(AlertStatus status, String source, Boolean matched, Instant since, int limit,
                         String alertname, Instant until, Long before, String team) {

    public AlertQuery {
        since = since == null ? Instant.EPOCH : since;
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
    }

    /** A filter on status, source, matched and start of period only. */
    public AlertQuery(AlertStatus status, String source, Boolean matched, Instant since, int limit) {
        this(status, source, matched, since, limit, null, null, null, null);
    }

    public static AlertQuery newest(int limit) {
        return new AlertQuery(null, null, null, null, limit);
    }

    public AlertQuery withSource(String newSource) {
        return new AlertQuery(status, Objects.requireNonNull(newSource, "source"), matched, since, limit, alertname,
                until, before, team);
    }

    /** This filter seen by a token scoped to {@code newTeam}; null for every team. */
    public AlertQuery withTeam(String newTeam) {
        return new AlertQuery(status, source, matched, since, limit, alertname, until, before, newTeam);
    }

    AlertQuery withLimit(int newLimit) {
        return new AlertQuery(status, source, matched, since, newLimit, alertname, until, before, team);
    }

    /** Whether an alert stored in bulk (firing, matched nothing, started no run) can pass this filter at all. */
    boolean admitsBulkAlerts() {
        return status != AlertStatus.RESOLVED && !Boolean.TRUE.equals(matched) && team == null;
    }

    /** Whether {@code alert}, stored in bulk, passes the filter's per-alert conditions. */
    boolean admitsBulk(StoredAlert alert) {
        return !alert.receivedAt().isBefore(since)
                && (until == null || alert.receivedAt().isBefore(until))
                && (before == null || alert.id() < before)
                && (source == null || source.equals(alert.alert().source()))
                && (alertname == null || alertname.equals(alert.alert().name()));
    }
}
