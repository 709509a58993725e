package dev.quench.core.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the guards read and write: the per-runbook {@code guard_lock} rows that serialise admission
 * across engines, the recent runs a cooldown or budget counts, the queue depth, the outcome recorded
 * on an admitted or refused run, and who decided what about a run ({@code run_decision}). Thread-safe.
 */
public final class GuardRepository {

    /** Runs that never ran do not use up a cooldown or budget. */
    private static final List<String> NOT_COUNTED = List.of(RunStatus.REFUSED.wireName(), RunStatus.REJECTED.wireName());

    /**
     * A run that counts against a cooldown.
     *
     * @param id        the run's id
     * @param createdAt when it was queued
     */
    public record CountedRun(String id, Instant createdAt) {
    }

    /**
     * Queued runs, not counting the one being admitted.
     *
     * @param all         of every runbook
     * @param sameRunbook of the admitted run's runbook
     */
    public record QueueDepth(long all, long sameRunbook) {
    }

    /**
     * A decision recorded about a run.
     *
     * @param action    approve, reject, cancel or force
     * @param actor     who decided
     * @param reason    why, as they said (empty if they did not)
     * @param decidedAt when
     */
    public record Decision(String action, String actor, String reason, Instant decidedAt) {
    }

    private final Jdbi jdbi;
    private final BreakerRepository breakers;
    private final RunLockRepository locks;

    GuardRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.breakers = new BreakerRepository(jdbi);
        this.locks = new RunLockRepository(jdbi);
    }

    /** The per-target locks ({@code guards.lockKey}) admission records on runs. */
    public RunLockRepository locks() {
        return locks;
    }

    /** The circuit breakers, which admission checks with the other guards. */
    public BreakerRepository breakers() {
        return breakers;
    }

    /**
     * Creates the {@code guard_lock} row of {@code runbook} if it is missing, on a short connection of its
     * own (never inside a caller's transaction): a caller then never needs a second pooled connection while
     * it holds one.
     */
    public void ensureLockRow(String runbook, Instant now) {
        try (Handle handle = jdbi.open()) {
            boolean exists = handle.createQuery("select count(*) from guard_lock where runbook = :runbook")
                    .bind("runbook", runbook).mapTo(Integer.class).one() > 0;
            if (!exists) {
                try {
                    insertLockRow(handle, runbook, now);
                } catch (RuntimeException ignored) {
                    // Another engine created the row at the same moment: it exists, which is all this needs.
                }
            }
        }
    }

    /**
     * Locks the guard row of {@code runbook} until {@code transaction} ends, creating it the first time
     * (callers avoid that with {@link #ensureLockRow}: creating it here takes a second connection).
     *
     * @throws IllegalStateException when the row can be neither found nor created
     */
    public void lockRunbook(StoreTransaction transaction, String runbook, Instant now) {
        Handle handle = transaction.handle();
        if (touchLockRow(handle, runbook, now) == 0) {
            // On a connection of its own (jdbi.open(), not useHandle, which reuses this thread's handle):
            // on PostgreSQL a duplicate-key error would abort the caller's transaction.
            try (Handle other = jdbi.open()) {
                insertLockRow(other, runbook, now);
            } catch (RuntimeException ignored) {
                // Another engine created the row at the same moment: the update below waits for its lock.
            }
            if (touchLockRow(handle, runbook, now) == 0) {
                throw new IllegalStateException("cannot create the guard lock row of runbook '" + runbook
                        + "' in table guard_lock: check that the store is writable; the run was not admitted");
            }
        }
    }

    /**
     * The newest run of {@code runbook} with guard key {@code key}, other than {@code exceptRunId}, queued
     * after {@code since} and counted by the guards (not a dry run, not refused or rejected).
     */
    public Optional<CountedRun> lastCountedRunWithKey(StoreTransaction transaction, String runbook, String key,
                                                      String exceptRunId, Instant since) {
        return transaction.handle().createQuery("""
                        select id, created_at from run
                        where runbook = :runbook and guard_key = :key and id <> :id and dry_run = false
                          and status not in (<notCounted>) and created_at > :since
                        order by created_at desc fetch first 1 rows only""")
                .bind("runbook", runbook).bind("key", key).bind("id", exceptRunId)
                .bindList("notCounted", NOT_COUNTED)
                .bind("since", Timestamp.from(since))
                .map((row, context) -> new CountedRun(row.getString("id"), row.getTimestamp("created_at").toInstant()))
                .findFirst();
    }

    /**
     * When the runs of {@code runbook} counted by the guards, other than {@code exceptRunId}, were queued
     * after {@code since}; newest first.
     */
    public List<Instant> countedRunStartsSince(StoreTransaction transaction, String runbook, String exceptRunId,
                                               Instant since) {
        return transaction.handle().createQuery("""
                        select created_at from run
                        where runbook = :runbook and id <> :id and dry_run = false
                          and status not in (<notCounted>) and created_at > :since
                        order by created_at desc""")
                .bind("runbook", runbook).bind("id", exceptRunId)
                .bindList("notCounted", NOT_COUNTED)
                .bind("since", Timestamp.from(since))
                .map((row, context) -> row.getTimestamp("created_at").toInstant())
                .list();
    }

    /**
     * How many runs are queued, overall and of {@code runbook}, not counting {@code exceptRunId}: read from the
     * store at the first check in {@code transaction}, then as {@link #countAdmitted} keeps it (see QueueTally).
     */
    public QueueDepth queueDepth(StoreTransaction transaction, String runbook, String exceptRunId) {
        QueueTally tally = transaction.queueTally();
        if (tally == null) {
            QueueTally read = new QueueTally();
            transaction.handle().createQuery("""
                            select runbook, count(*) as queued from run where status = :queued and id <> :id
                            group by runbook""")
                    .bind("queued", RunStatus.QUEUED.wireName()).bind("id", exceptRunId)
                    .map((row, context) -> Map.entry(row.getString("runbook"), row.getLong("queued")))
                    .forEach(entry -> read.add(entry.getKey(), entry.getValue()));
            transaction.queueTally(read);
            tally = read;
        }
        return new QueueDepth(tally.all(), tally.of(runbook));
    }

    /** Counts a run of {@code runbook} that {@code transaction} admitted to the queue in its later queue checks. */
    public void countAdmitted(StoreTransaction transaction, String runbook) {
        QueueTally tally = transaction.queueTally();
        if (tally != null) {
            tally.add(runbook, 1);
        }
    }

    /** Records the guard key a run was admitted under (what later cooldowns compare against). */
    public void setGuardKey(StoreTransaction transaction, String runId, String key) {
        transaction.handle().createUpdate("update run set guard_key = :key where id = :id")
                .bind("key", key).bind("id", runId).execute();
    }

    /**
     * Records the guards' verdict on a run: its new {@code status}, the {@code message} saying why, its guard
     * key (or null) and when it finished (null while it has not).
     */
    public void recordVerdict(StoreTransaction transaction, String runId, RunStatus status, String message,
                              String key, Instant finishedAt) {
        transaction.handle().createUpdate("""
                        update run set status = :status, message = :message, guard_key = :key, finished_at = :finished
                        where id = :id""")
                .bind("status", status.wireName()).bind("message", message).bind("key", key)
                .bind("finished", finishedAt == null ? null : Timestamp.from(finishedAt)).bind("id", runId)
                .execute();
    }

    /**
     * Moves a run from one of the statuses {@code from} to {@code to} with {@code message} (and
     * {@code finishedAt}, or null) and records {@code decision} with it, in one transaction.
     *
     * @return whether the run was in one of {@code from} and moved; nothing is recorded when it was not
     */
    public boolean decide(String runId, List<RunStatus> from, RunStatus to, String message, Instant finishedAt,
                          Decision decision) {
        return jdbi.inTransaction(handle -> {
            int updated = handle.createUpdate("""
                            update run set status = :to, message = :message, finished_at = :finished
                            where id = :id and status in (<from>)""")
                    .bind("to", to.wireName()).bind("message", message)
                    .bind("finished", finishedAt == null ? null : Timestamp.from(finishedAt))
                    .bind("id", runId)
                    .bindList("from", from.stream().map(RunStatus::wireName).toList())
                    .execute();
            if (updated == 1) {
                insertDecision(handle, runId, decision);
            }
            return updated == 1;
        });
    }

    /** Records who decided what about a run and why, inside {@code transaction}. */
    public void recordDecision(StoreTransaction transaction, String runId, Decision decision) {
        insertDecision(transaction.handle(), runId, decision);
    }

    /** Records who decided what about a run and why, in a transaction of its own. */
    public void recordDecision(String runId, Decision decision) {
        jdbi.useTransaction(handle -> insertDecision(handle, runId, decision));
    }

    /** The decisions recorded for a run, oldest first. */
    public List<Decision> decisions(String runId) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select action, actor, reason, decided_at from run_decision where run_id = :id
                        order by decided_at""")
                .bind("id", runId)
                .map((row, context) -> new Decision(row.getString("action"), row.getString("actor"),
                        row.getString("reason"), row.getTimestamp("decided_at").toInstant()))
                .list());
    }

    private static int touchLockRow(Handle handle, String runbook, Instant now) {
        return handle.createUpdate("update guard_lock set checked_at = :now where runbook = :runbook")
                .bind("now", Timestamp.from(now)).bind("runbook", runbook).execute();
    }

    private static void insertLockRow(Handle handle, String runbook, Instant now) {
        handle.createUpdate("insert into guard_lock (runbook, checked_at) values (:runbook, :now)")
                .bind("runbook", runbook).bind("now", Timestamp.from(now)).execute();
    }

    private static void insertDecision(Handle handle, String runId, Decision decision) {
        handle.createUpdate("""
                        insert into run_decision (run_id, action, actor, reason, decided_at)
                        values (:runId, :action, :actor, :reason, :at)""")
                .bind("runId", runId).bind("action", decision.action())
                .bind("actor", decision.actor() == null ? "unknown" : decision.actor())
                .bind("reason", decision.reason() == null ? "" : decision.reason())
                .bind("at", Timestamp.from(decision.decidedAt())).execute();
    }
}
