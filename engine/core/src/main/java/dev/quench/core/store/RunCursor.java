package dev.quench.core.store;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the next page of runs starts: the last run of this page, by creation time and id (runs are listed
 * newest first, ties broken by id). Written into URLs as {@link #token()}, read back with {@link #parse}:
 * a keyset, so a page never repeats or skips runs that were added meanwhile. Immutable.
 *
 * @param createdAt when the last run shown was queued
 * @param id        that run's id
 */
public record RunCursor(Instant createdAt, String id) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public RunCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** The cursor of the run {@code run} (the last one shown). */
    public static RunCursor after(RunRecord run) {
        return new RunCursor(run.createdAt(), run.id());
    }

    /** {@code 2026-12-05T06:25:00.123456Z_<run id>}: safe in a query string, opaque to users. */
    public String token() {
        return createdAt + "_" + id;
    }

    /**
     * Reads a {@link #token()}.
     *
     * @throws IllegalArgumentException saying what is wrong and where a good one comes from
     */
    public static RunCursor parse(String token) {
        Objects.requireNonNull(token, "token");
        int split = token.indexOf('_');
        String problem = "before must be the 'next' cursor of an earlier page (TIME_RUNID), was '"
                + (token.length() > 80 ? token.substring(0, 80) + "..." : token) + "'";
        if (split < 1 || !ID.matcher(token.substring(split + 1)).matches()) {
            throw new IllegalArgumentException(problem);
        }
        try {
            return new RunCursor(Instant.parse(token.substring(0, split)), token.substring(split + 1));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(problem, e);
        }
    }
}
