package dev.quench.core.server;

import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.util.Durations;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads {@code ?status=&source=&matched=&alertname=&since=&until=&before=&limit=} for
 * {@code GET /api/v1/alerts} and the console's alerts page. {@code since} and {@code until} are a duration
 * back from now ({@code 30m}, {@code 7d}), an RFC 3339 time, or a date and time without offset (UTC, what
 * a browser's date-time field sends). An empty parameter (a GET form's blank field) does not filter.
 * Thread-safe (stateless).
 */
public final class AlertQueries {

    /** The widest the store keeps these names; a longer one cannot match, so it is refused as a mistake. */
    private static final int MAX_SOURCE = 64;
    private static final int MAX_ALERTNAME = 512;

    private AlertQueries() {
    }

    /**
     * The filter the parameters describe, {@code limit} alerts a page.
     *
     * @throws IllegalArgumentException naming the parameter, what it was and what it may be
     */
    public static AlertQuery parse(MultiMap params, int limit, Instant now) {
        AlertStatus status = null;
        String statusText = given(params, "status");
        if (statusText != null) {
            status = AlertStatus.parse(statusText).orElseThrow(() -> new IllegalArgumentException(
                    "status must be firing or resolved, was '" + statusText + "'"));
        }
        Boolean matched = null;
        String matchedText = given(params, "matched");
        if (matchedText != null) {
            matched = switch (matchedText) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("matched must be true or false, was '" + matchedText + "'");
            };
        }
        String sinceText = given(params, "since");
        String untilText = given(params, "until");
        Instant since = sinceText == null ? null : time("since", sinceText, now);
        Instant until = untilText == null ? null : time("until", untilText, now);
        if (since != null && until != null && !until.isAfter(since)) {
            throw new IllegalArgumentException("until (" + until + ") must be later than since (" + since + ")");
        }
        Long before = null;
        String beforeText = given(params, "before");
        if (beforeText != null) {
            try {
                before = Long.parseLong(beforeText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("before must be an alert id (a number), was '" + beforeText + "'", e);
            }
        }
        return new AlertQuery(status, bounded(params, "source", MAX_SOURCE), matched, since, limit,
                bounded(params, "alertname", MAX_ALERTNAME), until, before, null);
    }

    /** {@code 30m}, {@code 7d} back from now, or an RFC 3339 time. */
    static Instant since(String text, Instant now) {
        return time("since", text, now);
    }

    private static Instant time(String name, String text, Instant now) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notATime) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notALocalTime) {
                try {
                    return now.minus(Durations.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + " must be a duration back from now (30m, 7d) or an RFC 3339"
                            + " time (2026-11-20T03:00:00Z), was '" + text + "'", e);
                }
            }
        }
    }

    private static String given(MultiMap params, String name) {
        String value = params.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String bounded(MultiMap params, String name, int maxLength) {
        String value = given(params, name);
        if (value != null && value.length() > maxLength) {
            throw new IllegalArgumentException(name + " is at most " + maxLength + " characters, was " + value.length());
        }
        return value;
    }
}
