package dev.quench.core.guard;

import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.runbook.ApprovalPolicy;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.util.Durations;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a newly queued run may start: its runbook's guards (cooldown per dedupe key,
 * runs per hour) and approval. Runs inside the transaction that queued the run, holding a lock on
 * the runbook's {@code guard_lock} row, so engines sharing one store admit runs one at a time per
 * runbook and never both pass a guard that has room for one. The outcome is recorded on the run:
 * refused (with the reason), awaiting_approval, or left queued. A run that would be queued while
 * the queue is full (per runbook or overall) is refused too, saying so: queued runs are rows, and
 * the bound keeps a storm from queueing hours of work. Thread-safe.
 */
public final class RunAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(RunAdmission.class);

    /** Runs that never ran do not use up a cooldown or budget. */
    private static final List<String> NOT_COUNTED = List.of(RunStatus.REFUSED.wireName(), RunStatus.REJECTED.wireName());

    private final Jdbi jdbi;
    private final Clock clock;
    private final int maxQueuedRuns;
    private final int maxQueuedPerRunbook;
    /** Runbooks whose guard_lock row is known to exist (rows are never deleted). */
    private final java.util.Set<String> lockRows = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Admission without a queue bound: for runs executed at once by the caller (a local run). */
    public RunAdmission(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Admission with a queue bound.
     *
     * @param maxQueuedRuns       queued runs of all runbooks together ({@code executor.maxQueuedRuns})
     * @param maxQueuedPerRunbook queued runs of one runbook ({@code executor.maxQueuedPerRunbook})
     */
    public RunAdmission(Jdbi jdbi, Clock clock, int maxQueuedRuns, int maxQueuedPerRunbook) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxQueuedRuns = maxQueuedRuns;
        this.maxQueuedPerRunbook = maxQueuedPerRunbook;
    }

    /**
     * Makes sure the {@code guard_lock} row of a guarded {@code runbook} exists, on a short connection of
     * its own. Call it before the transaction that admits a run of it: admission then never needs a second
     * pooled connection while it holds one (with the pool busy, that wait would time out).
     */
    public void prepare(Runbook runbook) {
        if (lockRows.contains(runbook.name()) || !RunbookGuards.of(runbook).any()) {
            return;
        }
        try (Handle handle = jdbi.open()) {
            boolean exists = handle.createQuery("select count(*) from guard_lock where runbook = :runbook")
                    .bind("runbook", runbook.name()).mapTo(Integer.class).one() > 0;
            if (!exists) {
                try {
                    handle.createUpdate("insert into guard_lock (runbook, checked_at) values (:runbook, :now)")
                            .bind("runbook", runbook.name()).bind("now", Timestamp.from(clock.instant())).execute();
                } catch (RuntimeException ignored) {
                    // Another engine created the row at the same moment: it exists, which is all this needs.
                }
            }
        }
        lockRows.add(runbook.name());
    }

    /**
     * Admits {@code run}, already inserted as queued through {@code handle}, and records the outcome.
     *
     * @param alert the alert it runs for, or null
     * @param force bypass the guards (not approval): a person asked for this run explicitly
     * @param who   who asked, recorded with a forced run
     */
    public Admission admit(Handle handle, Runbook runbook, RunRecord run, Alert alert, boolean force, String who) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(run, "run");
        if (run.dryRun() || !run.message().isEmpty()) {
            // A dry run changes nothing; a run whose params did not resolve fails at once, saying why.
            return new Admission.Start();
        }
        Instant now = clock.instant();
        RunbookGuards guards = RunbookGuards.of(runbook);
        String key = null;
        Optional<String> refusal = Optional.empty();
        if (guards.any()) {
            try {
                key = GuardKey.of(runbook.name(), guards, alert, run.params());
            } catch (ExpressionException e) {
                refusal = Optional.of("guards.dedupeKey of " + runbook.source() + " failed: " + e.getMessage()
                        + "; the run was refused because its guards cannot be checked — fix the expression");
            }
            if (force) {
                recordDecision(handle, run.id(), "force", who, "guards bypassed (force: true)", now);
                refusal = Optional.empty();
            } else if (refusal.isEmpty()) {
                lock(handle, runbook.name(), now);
                refusal = cooldown(handle, runbook.name(), guards, key, run.id(), now)
                        .or(() -> budget(handle, runbook.name(), guards, run.id(), now));
            }
        }
        if (refusal.isPresent()) {
            update(handle, run.id(), RunStatus.REFUSED, refusal.get(), key, now);
            LOG.info("run {} of {} refused: {}", run.id(), runbook.name(), refusal.get());
            return new Admission.Refused(refusal.get());
        }
        ApprovalPolicy approval = ApprovalPolicy.of(runbook);
        if (approval.required()) {
            String message = "waiting for approval: quench runs approve " + run.id() + " (or reject)"
                    + approval.timeout().map(timeout -> "; rejected if nobody decides by "
                    + run.createdAt().plus(timeout).truncatedTo(ChronoUnit.SECONDS)).orElse("");
            update(handle, run.id(), RunStatus.AWAITING_APPROVAL, message, key, null);
            return new Admission.AwaitingApproval();
        }
        if (key != null) {
            handle.createUpdate("update run set guard_key = :key where id = :id")
                    .bind("key", key).bind("id", run.id()).execute();
        }
        return queueFull(handle, run).<Admission>map(refused -> refused).orElse(new Admission.Start());
    }

    /**
     * Refuses {@code run}, inserted as queued through {@code handle}, when the queue already holds
     * {@code maxQueuedPerRunbook} runs of its runbook or {@code maxQueuedRuns} runs in all; records it
     * refused with the reason. Two engines admitting at the same moment may each pass the last place.
     */
    public Optional<Admission.Refused> queueFull(Handle handle, RunRecord run) {
        if (run.dryRun() || (maxQueuedRuns == Integer.MAX_VALUE && maxQueuedPerRunbook == Integer.MAX_VALUE)) {
            return Optional.empty();
        }
        long[] queued = handle.createQuery("""
                        select count(*) as queued, coalesce(sum(case when runbook = :runbook then 1 else 0 end), 0) as own
                        from run where status = :queued and id <> :id""")
                .bind("runbook", run.runbook()).bind("queued", RunStatus.QUEUED.wireName()).bind("id", run.id())
                .map((row, context) -> new long[] {row.getLong("queued"), row.getLong("own")})
                .one();
        String reason;
        if (queued[1] >= maxQueuedPerRunbook) {
            reason = "queue full (" + queued[1] + " queued for " + run.runbook() + ", limit " + maxQueuedPerRunbook
                    + "): the run was not started; it runs again only if its trigger fires again. Raise "
                    + "executor.maxQueuedPerRunbook, or find why runs of " + run.runbook() + " pile up";
        } else if (queued[0] >= maxQueuedRuns) {
            reason = "queue full (" + queued[0] + " queued in all, limit " + maxQueuedRuns
                    + "): the run was not started; it runs again only if its trigger fires again. Raise "
                    + "executor.maxQueuedRuns or executor.maxConcurrentRuns";
        } else {
            return Optional.empty();
        }
        update(handle, run.id(), RunStatus.REFUSED, reason, null, clock.instant());
        // DEBUG: in a storm this refuses thousands of runs; the dispatcher logs one line per batch.
        LOG.debug("run {} of {} refused: {}", run.id(), run.runbook(), reason);
        return Optional.of(new Admission.Refused(reason, true));
    }

    private Optional<String> cooldown(Handle handle, String runbook, RunbookGuards guards, String key, String runId,
                                      Instant now) {
        if (guards.cooldown().isEmpty()) {
            return Optional.empty();
        }
        Duration cooldown = guards.cooldown().get();
        return handle.createQuery("""
                        select id, created_at from run
                        where runbook = :runbook and guard_key = :key and id <> :id and dry_run = false
                          and status not in (<notCounted>) and created_at > :since
                        order by created_at desc fetch first 1 rows only""")
                .bind("runbook", runbook).bind("key", key).bind("id", runId)
                .bindList("notCounted", NOT_COUNTED)
                .bind("since", Timestamp.from(now.minus(cooldown)))
                .map((row, context) -> {
                    Instant last = row.getTimestamp("created_at").toInstant();
                    return "cooldown " + Durations.format(cooldown) + ": run " + row.getString("id") + " for "
                            + key + " started " + ago(last, now) + " ago; next allowed at "
                            + last.plus(cooldown).truncatedTo(ChronoUnit.SECONDS);
                })
                .findFirst();
    }

    private Optional<String> budget(Handle handle, String runbook, RunbookGuards guards, String runId, Instant now) {
        if (guards.maxRunsPerHour().isEmpty()) {
            return Optional.empty();
        }
        int max = guards.maxRunsPerHour().getAsInt();
        Instant since = now.minus(Duration.ofHours(1));
        List<Instant> recent = handle.createQuery("""
                        select created_at from run
                        where runbook = :runbook and id <> :id and dry_run = false
                          and status not in (<notCounted>) and created_at > :since
                        order by created_at desc""")
                .bind("runbook", runbook).bind("id", runId)
                .bindList("notCounted", NOT_COUNTED)
                .bind("since", Timestamp.from(since))
                .map((row, context) -> row.getTimestamp("created_at").toInstant())
                .list();
        if (recent.size() < max) {
            return Optional.empty();
        }
        // The run that frees a slot is the max-th newest: once it is an hour old, one fewer is in the window.
        Instant freesSlot = recent.get(max - 1).plus(Duration.ofHours(1));
        return Optional.of("maxRunsPerHour " + max + ": " + recent.size() + " run(s) of " + runbook
                + " started in the last hour; next allowed at " + freesSlot.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Locks the runbook's guard row until {@code handle}'s transaction ends, creating it the first time
     * (callers avoid that by calling {@link #prepare} first: creating it here takes a second connection).
     */
    private void lock(Handle handle, String runbook, Instant now) {
        int updated = handle.createUpdate("update guard_lock set checked_at = :now where runbook = :runbook")
                .bind("now", Timestamp.from(now)).bind("runbook", runbook).execute();
        if (updated == 0) {
            // On a connection of its own (jdbi.open(), not useHandle, which reuses this thread's handle):
            // on PostgreSQL a duplicate-key error would abort the caller's transaction.
            try (Handle other = jdbi.open()) {
                other.createUpdate("insert into guard_lock (runbook, checked_at) values (:runbook, :now)")
                        .bind("runbook", runbook).bind("now", Timestamp.from(now)).execute();
            } catch (RuntimeException ignored) {
                // Another engine created the row at the same moment: the update below waits for its lock.
            }
            int locked = handle.createUpdate("update guard_lock set checked_at = :now where runbook = :runbook")
                    .bind("now", Timestamp.from(now)).bind("runbook", runbook).execute();
            if (locked == 0) {
                throw new IllegalStateException("cannot create the guard lock row of runbook '" + runbook
                        + "' in table guard_lock: check that the store is writable; the run was not admitted");
            }
        }
    }

    private static void update(Handle handle, String runId, RunStatus status, String message, String key,
                               Instant finishedAt) {
        handle.createUpdate("""
                        update run set status = :status, message = :message, guard_key = :key, finished_at = :finished
                        where id = :id""")
                .bind("status", status.wireName()).bind("message", message).bind("key", key)
                .bind("finished", finishedAt == null ? null : Timestamp.from(finishedAt)).bind("id", runId)
                .execute();
    }

    /** Records who decided what about a run (approve, reject, cancel, force) and why. */
    static void recordDecision(Handle handle, String runId, String action, String actor, String reason, Instant at) {
        handle.createUpdate("""
                        insert into run_decision (run_id, action, actor, reason, decided_at)
                        values (:runId, :action, :actor, :reason, :at)""")
                .bind("runId", runId).bind("action", action).bind("actor", actor == null ? "unknown" : actor)
                .bind("reason", reason == null ? "" : reason).bind("at", Timestamp.from(at)).execute();
    }

    private static String ago(Instant then, Instant now) {
        Duration elapsed = Duration.between(then, now).truncatedTo(ChronoUnit.SECONDS);
        return elapsed.isNegative() || elapsed.isZero() ? "0s" : Durations.format(elapsed);
    }

}
