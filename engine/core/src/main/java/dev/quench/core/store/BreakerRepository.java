package dev.quench.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The circuit breakers of runbooks ({@code runbook_breaker}) and the failed runs they count. Writers hold
 * the runbook's {@code guard_lock} row (see {@link GuardRepository#lockRunbook}), so engines sharing one
 * store trip and reset a breaker once. Thread-safe.
 */
public final class BreakerRepository {

    /**
     * A breaker's stored state.
     *
     * @param runbook      the runbook
     * @param trippedAt    when it tripped; empty while closed
     * @param tripReason   why it tripped (empty while closed)
     * @param countedSince failures that finished before this are not counted (the last reset); empty: all are
     * @param resetBy      who closed it last (a token's name, or {@code cool-off}); empty if never
     * @param resetAt      when it was closed last
     */
    public record BreakerRecord(String runbook, Optional<Instant> trippedAt, String tripReason,
                                Optional<Instant> countedSince, String resetBy, Optional<Instant> resetAt) {
        public BreakerRecord {
            Objects.requireNonNull(runbook, "runbook");
            Objects.requireNonNull(trippedAt, "trippedAt");
            Objects.requireNonNull(tripReason, "tripReason");
            Objects.requireNonNull(countedSince, "countedSince");
            Objects.requireNonNull(resetBy, "resetBy");
            Objects.requireNonNull(resetAt, "resetAt");
        }

        /** A runbook whose breaker never tripped nor was reset. */
        public static BreakerRecord closed(String runbook) {
            return new BreakerRecord(runbook, Optional.empty(), "", Optional.empty(), "", Optional.empty());
        }
    }

    /**
     * A failed run a breaker counts.
     *
     * @param id         the run
     * @param finishedAt when it ended
     * @param message    why it failed
     */
    public record FailedRun(String id, Instant finishedAt, String message) {
    }

    private final Jdbi jdbi;

    BreakerRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** The breaker of {@code runbook} as {@code transaction} sees it: {@link BreakerRecord#closed} without a row. */
    public BreakerRecord find(StoreTransaction transaction, String runbook) {
        return find(transaction.handle(), runbook);
    }

    /** The breaker of {@code runbook}: {@link BreakerRecord#closed} without a row. */
    public BreakerRecord find(String runbook) {
        return jdbi.withHandle(handle -> find(handle, runbook));
    }

    /** Every stored breaker (tripped ones and those reset before), by runbook. */
    public List<BreakerRecord> all() {
        return jdbi.withHandle(handle -> handle.createQuery("select * from runbook_breaker order by runbook")
                .map((row, context) -> breaker(row)).list());
    }

    /**
     * The failed runs of {@code runbook} that ended after {@code since}, newest first, at most {@code limit}.
     * Dry runs are not counted; nor are runs recorded {@code interrupted} (their node died: not the runbook's
     * failure) or {@code cancelled} (a person stopped them).
     */
    public List<FailedRun> failuresSince(StoreTransaction transaction, String runbook, Instant since, int limit) {
        return failuresSince(transaction.handle(), runbook, since, limit);
    }

    /** As {@link #failuresSince(StoreTransaction, String, Instant, int)}, on a connection of its own. */
    public List<FailedRun> failuresSince(String runbook, Instant since, int limit) {
        return jdbi.withHandle(handle -> failuresSince(handle, runbook, since, limit));
    }

    /** Records the breaker of {@code runbook} tripped at {@code at} because of {@code reason}. */
    public void trip(StoreTransaction transaction, String runbook, Instant at, String reason) {
        Handle handle = transaction.handle();
        String cut = reason.length() > 2000 ? reason.substring(0, 2000) : reason;
        int updated = handle.createUpdate("""
                        update runbook_breaker set tripped_at = :at, trip_reason = :reason where runbook = :runbook""")
                .bind("at", Timestamp.from(at)).bind("reason", cut).bind("runbook", runbook).execute();
        if (updated == 0) {
            handle.createUpdate("""
                            insert into runbook_breaker (runbook, tripped_at, trip_reason) values (:runbook, :at, :reason)""")
                    .bind("at", Timestamp.from(at)).bind("reason", cut).bind("runbook", runbook).execute();
        }
    }

    /**
     * Closes the breaker of {@code runbook}: failures that ended before {@code countedSince} no longer count.
     *
     * @param by who closed it (a token's name, or {@code cool-off})
     */
    public void reset(StoreTransaction transaction, String runbook, Instant countedSince, String by, Instant at) {
        Handle handle = transaction.handle();
        String who = by.length() > 250 ? by.substring(0, 250) : by;
        int updated = handle.createUpdate("""
                        update runbook_breaker set tripped_at = null, trip_reason = null, counted_since = :since,
                               reset_by = :by, reset_at = :at where runbook = :runbook""")
                .bind("since", Timestamp.from(countedSince)).bind("by", who).bind("at", Timestamp.from(at))
                .bind("runbook", runbook).execute();
        if (updated == 0) {
            handle.createUpdate("""
                            insert into runbook_breaker (runbook, counted_since, reset_by, reset_at)
                            values (:runbook, :since, :by, :at)""")
                    .bind("since", Timestamp.from(countedSince)).bind("by", who).bind("at", Timestamp.from(at))
                    .bind("runbook", runbook).execute();
        }
    }

    /**
     * Closes the breaker of {@code runbook} in a transaction of its own, holding the runbook's
     * {@code guard_lock} row (create it first: {@link GuardRepository#ensureLockRow}) so that no admission
     * trips it at the same moment.
     *
     * @return the breaker as it was before
     */
    public BreakerRecord resetLocked(String runbook, Instant countedSince, String by, Instant at) {
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("update guard_lock set checked_at = :now where runbook = :runbook")
                    .bind("now", Timestamp.from(at)).bind("runbook", runbook).execute();
            BreakerRecord before = find(handle, runbook);
            StoreTransaction transaction = new StoreTransaction(handle);
            reset(transaction, runbook, countedSince, by, at);
            return before;
        });
    }

    private static BreakerRecord find(Handle handle, String runbook) {
        return handle.createQuery("select * from runbook_breaker where runbook = :runbook")
                .bind("runbook", runbook)
                .map((row, context) -> breaker(row))
                .findOne().orElse(BreakerRecord.closed(runbook));
    }

    private static List<FailedRun> failuresSince(Handle handle, String runbook, Instant since, int limit) {
        return handle.createQuery("""
                        select id, finished_at, message from run
                        where runbook = :runbook and status = :failed and dry_run = false and finished_at > :since
                        order by finished_at desc, id limit :limit""")
                .bind("runbook", runbook).bind("failed", RunStatus.FAILED.wireName())
                .bind("since", Timestamp.from(since)).bind("limit", limit)
                .map((row, context) -> new FailedRun(row.getString("id"), row.getTimestamp("finished_at").toInstant(),
                        row.getString("message") == null ? "" : row.getString("message")))
                .list();
    }

    private static BreakerRecord breaker(ResultSet row) throws SQLException {
        return new BreakerRecord(row.getString("runbook"), instant(row, "tripped_at"),
                text(row, "trip_reason"), instant(row, "counted_since"), text(row, "reset_by"), instant(row, "reset_at"));
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    private static String text(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        return value == null ? "" : value;
    }
}
