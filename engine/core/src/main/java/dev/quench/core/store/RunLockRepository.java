package dev.quench.core.store;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Per-target locks ({@code guards.lockKey}): the key recorded on a run, and who holds and waits for each key.
 * A key is held by the running run that has it; {@link RunRepository#claimQueued} starts a queued run only when
 * its key is free and no older run waits for it. Thread-safe.
 */
public final class RunLockRepository {

    /**
     * A run that holds or waits for a key.
     *
     * @param runId     the run
     * @param runbook   its runbook
     * @param status    running (holds the key) or queued (waits)
     * @param node      the node executing it (running runs), else empty
     * @param createdAt when it was queued (waiters start in this order)
     */
    public record LockedRun(String runId, String runbook, RunStatus status, String node, Instant createdAt) {
    }

    /**
     * One key with its holder and its waiters.
     *
     * @param key     the lock key
     * @param holder  the running run that holds it, or null when the key is free (its waiter starts next)
     * @param waiting queued runs waiting for it, oldest first
     */
    public record Lock(String key, LockedRun holder, List<LockedRun> waiting) {
    }

    private final Jdbi jdbi;

    RunLockRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Records {@code key} on {@code runId} and makes sure the key's lock row exists, inside {@code transaction}. */
    public void setLockKey(StoreTransaction transaction, String runId, String key) {
        Handle handle = transaction.handle();
        handle.createUpdate("update run set lock_key = :key where id = :id").bind("key", key).bind("id", runId).execute();
        // Without a second connection, and without an error that would abort a PostgreSQL transaction.
        String upsert = postgres(handle) ? "insert into run_lock (lock_key) values (:key) on conflict do nothing"
                : "merge into run_lock (lock_key) key (lock_key) values (:key)";
        handle.createUpdate(upsert).bind("key", key).execute();
    }

    /** Every key a running or queued run has, with its holder and waiters, by key. */
    public List<Lock> locks() {
        List<java.util.Map.Entry<String, LockedRun>> rows = jdbi.withHandle(handle -> handle.createQuery("""
                        select lock_key, id, runbook, status, owner_node, created_at from run
                        where lock_key is not null and status in (:running, :queued)
                        order by lock_key, created_at, id""")
                .bind("running", RunStatus.RUNNING.wireName()).bind("queued", RunStatus.QUEUED.wireName())
                .map((row, context) -> java.util.Map.entry(row.getString("lock_key"), new LockedRun(row.getString("id"),
                        row.getString("runbook"), RunStatus.parse(row.getString("status")),
                        row.getString("owner_node") == null ? "" : row.getString("owner_node"),
                        row.getTimestamp("created_at").toInstant())))
                .list());
        java.util.Map<String, List<LockedRun>> byKey = new java.util.LinkedHashMap<>();
        rows.forEach(row -> byKey.computeIfAbsent(row.getKey(), key -> new java.util.ArrayList<>()).add(row.getValue()));
        return byKey.entrySet().stream().map(entry -> new Lock(entry.getKey(),
                entry.getValue().stream().filter(run -> run.status() == RunStatus.RUNNING).findFirst().orElse(null),
                entry.getValue().stream().filter(run -> run.status() == RunStatus.QUEUED).toList())).toList();
    }

    private static boolean postgres(Handle handle) {
        try {
            return handle.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
        } catch (SQLException e) {
            throw new StoreException("cannot tell the store's database: " + e.getMessage(), e);
        }
    }
}
