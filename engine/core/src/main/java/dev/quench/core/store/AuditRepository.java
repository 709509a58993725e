package dev.quench.core.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit trail in {@code audit_event}: appended to, read back newest first, and pruned only by
 * retention ({@link #deleteOlderThan}). Thread-safe.
 */
public final class AuditRepository {

    /** Longer texts are cut here: a target or detail comes partly from requests. */
    private static final int MAX_TEXT = 512;

    private final Jdbi jdbi;

    AuditRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Appends {@code entry} (its id is ignored). */
    public void append(AuditEntry entry) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        insert into audit_event (at, actor, role, action, target, outcome, source_address, detail)
                        values (:at, :actor, :role, :action, :target, :outcome, :address, :detail)""")
                .bind("at", Timestamp.from(entry.at())).bind("actor", cut(entry.actor(), 256))
                .bind("role", cut(entry.role(), 16)).bind("action", cut(entry.action(), 64))
                .bind("target", cut(entry.target(), MAX_TEXT)).bind("outcome", cut(entry.outcome(), 32))
                .bind("address", cut(entry.sourceAddress(), 128)).bind("detail", cut(entry.detail(), MAX_TEXT * 4))
                .execute());
    }

    /**
     * Entries newest first.
     *
     * @param actor  only this actor, or null
     * @param action only this action, or null
     * @param since  only at or after this, or null
     * @param limit  at most this many
     */
    public List<AuditEntry> list(String actor, String action, Instant since, int limit) {
        return list(actor, action, since, null, limit);
    }

    /**
     * Entries newest first, a page at a time: {@code before} (an entry's id, or null) starts the page after it,
     * so a page does not shift while new entries arrive.
     */
    public List<AuditEntry> list(String actor, String action, Instant since, Long before, int limit) {
        StringBuilder sql = new StringBuilder("select * from audit_event where 1 = 1");
        if (before != null) {
            sql.append(" and id < :before");
        }
        if (actor != null) {
            sql.append(" and actor = :actor");
        }
        if (action != null) {
            sql.append(" and action = :action");
        }
        if (since != null) {
            sql.append(" and at >= :since");
        }
        sql.append(" order by id desc limit :limit");
        return jdbi.withHandle(handle -> {
            Query query = handle.createQuery(sql.toString()).bind("limit", limit);
            if (before != null) {
                query.bind("before", before.longValue());
            }
            if (actor != null) {
                query.bind("actor", actor);
            }
            if (action != null) {
                query.bind("action", action);
            }
            if (since != null) {
                query.bind("since", Timestamp.from(since));
            }
            return query.map((row, context) -> new AuditEntry(row.getLong("id"), row.getTimestamp("at").toInstant(),
                    row.getString("actor"), row.getString("role"), row.getString("action"), row.getString("target"),
                    row.getString("outcome"), row.getString("source_address"), row.getString("detail"))).list();
        });
    }

    /**
     * Deletes up to {@code batch} of the oldest entries from before {@code cutoff}, in one short transaction.
     *
     * @return how many were deleted
     */
    public int deleteOlderThan(Instant cutoff, int batch) {
        return deleteOlderThan(Instant.EPOCH, cutoff, batch).deleted();
    }

    /**
     * Deletes the next batch of up to {@code batch} entries from before {@code cutoff}, walking the
     * {@code audit_event (at)} index from {@code from} on, in one short transaction; retention calls it from where
     * the last batch stopped until it looks at nothing.
     */
    public DeleteBatch deleteOlderThan(Instant from, Instant cutoff, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, was " + batch);
        }
        return jdbi.inTransaction(handle -> {
            List<Map.Entry<Long, Instant>> rows = handle.createQuery("""
                            select id, at from audit_event where at >= :from and at < :cutoff order by at limit :batch""")
                    .bind("from", Timestamp.from(from)).bind("cutoff", Timestamp.from(cutoff)).bind("batch", batch)
                    .map((row, context) -> Map.entry(row.getLong("id"), row.getTimestamp("at").toInstant())).list();
            if (rows.isEmpty()) {
                return DeleteBatch.NONE;
            }
            int deleted = handle.createUpdate("delete from audit_event where id in (<ids>)")
                    .bindList("ids", rows.stream().map(Map.Entry::getKey).toList()).execute();
            return new DeleteBatch(deleted, rows.size(), rows.getLast().getValue());
        });
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
