package dev.quench.core.server;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * One read of the audit trail, as {@code GET /api/v1/audit} and the console's audit screen ask it: only
 * {@code actor}, only {@code action}, since a time or a duration ago, newest first, a page of {@code limit}
 * after the entry {@code before} (its id). Immutable.
 *
 * @param actor  only this actor, or null
 * @param action only this action, or null
 * @param since  only at or after this, or null
 * @param before only entries older than the one with this id (the next page), or null
 * @param limit  at most this many, 1-{@value #MAX_LIMIT}
 */
public record AuditQuery(String actor, String action, Instant since, Long before, int limit) {

    public static final int MAX_LIMIT = 1000;
    /**
     * Who may read the audit trail, in the API and the console alike: a token of at least this role and without
     * a team (the trail spans every team).
     */
    public static final Role READER = Role.VIEWER;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
        }
    }

    /**
     * Reads the query's parameters ({@code actor, action, since, before, limit}); a blank one counts as absent.
     *
     * @param parameter    a parameter's value by name, or null
     * @param defaultLimit the limit when none is given
     * @throws IllegalArgumentException saying which parameter is wrong and how
     */
    public static AuditQuery parse(Function<String, String> parameter, Instant now, int defaultLimit) {
        String sinceText = present(parameter.apply("since"));
        String beforeText = present(parameter.apply("before"));
        String limitText = present(parameter.apply("limit"));
        Long before;
        int limit;
        try {
            before = beforeText == null ? null : Long.valueOf(beforeText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("before must be an entry's id (a whole number), was '" + beforeText + "'");
        }
        try {
            limit = limitText == null ? defaultLimit : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number: " + e.getMessage());
        }
        return new AuditQuery(present(parameter.apply("actor")), present(parameter.apply("action")),
                sinceText == null ? null : AlertQueries.since(sinceText, now), before, limit);
    }

    /** The entries, newest first. Blocking. */
    public List<AuditEntry> run(Store store) {
        return store.audit().list(actor, action, since, before, limit);
    }

    private static String present(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
