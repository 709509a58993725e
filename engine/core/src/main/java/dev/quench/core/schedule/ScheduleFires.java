package dev.quench.core.schedule;

import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@code schedule_fire} table: one row per schedule fire (ran, skipped, misfired), and the
 * look-ups the scheduler needs from the run table. Thread-safe.
 */
public final class ScheduleFires {

    /** What became of one fire. */
    public enum Outcome {
        /** A run was started. */
        RAN,
        /** Not run: the previous run was still going, or the runbook was not loaded. */
        SKIPPED,
        /** The fire time passed while the engine was down or busy; the misfire policy decided. */
        MISFIRED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A run of a runbook that is still queued or running. */
    public record ActiveRun(String id, RunStatus status) {
    }

    private final Jdbi jdbi;

    public ScheduleFires(Store store) {
        this.jdbi = Objects.requireNonNull(store, "store").jdbi();
    }

    /**
     * One fire of one runbook, to record.
     *
     * @param decidedAt when Quench queued its run (or decided to skip it): lateness is measured to here
     * @param runId     the run started or recorded as skipped, or null
     */
    public record Fire(String runbook, Outcome outcome, Instant scheduledAt, Instant firedAt, Instant decidedAt,
                       String runId, String message) {

        public Fire {
            Objects.requireNonNull(runbook, "runbook");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(scheduledAt, "scheduledAt");
            Objects.requireNonNull(firedAt, "firedAt");
            Objects.requireNonNull(decidedAt, "decidedAt");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Records many fires in one batched transaction: a group fire of 1,000 runbooks is one round trip. */
    public void recordAll(List<Fire> fires) {
        if (fires.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            var batch = handle.prepareBatch("""
                    insert into schedule_fire (runbook, outcome, scheduled_at, fired_at, lateness_ms, run_id, message)
                    values (:runbook, :outcome, :scheduledAt, :firedAt, :lateness, :runId, :message)""");
            for (Fire fire : fires) {
                batch.bind("runbook", fire.runbook())
                        .bind("outcome", fire.outcome().wireName())
                        .bind("scheduledAt", Timestamp.from(fire.scheduledAt()))
                        .bind("firedAt", Timestamp.from(fire.firedAt()))
                        .bind("lateness", Math.max(0, fire.decidedAt().toEpochMilli()
                                - fire.scheduledAt().toEpochMilli()))
                        .bind("runId", fire.runId())
                        .bind("message", fire.message())
                        .add();
            }
            batch.execute();
        });
    }

    /**
     * The oldest still queued or running scheduled run of each runbook that has one, in one query
     * (there are few at any time; the run table is indexed by status).
     */
    public Map<String, ActiveRun> activeScheduledRuns() {
        Map<String, ActiveRun> active = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, id, status from run
                        where status in ('queued', 'running') and trigger_type = 'schedule'
                        order by created_at""")
                .map((row, context) -> Map.entry(row.getString("runbook"),
                        new ActiveRun(row.getString("id"), RunStatus.parse(row.getString("status")))))
                .forEach(entry -> active.putIfAbsent(entry.getKey(), entry.getValue())));
        return active;
    }

    /**
     * Records one fire.
     *
     * @param firedAt   when Quartz fired it
     * @param decidedAt when Quench queued its run (or decided to skip it): lateness is measured to here
     */
    public void record(String runbook, Outcome outcome, Instant scheduledAt, Instant firedAt, Instant decidedAt,
                       String runId, String message) {
        jdbi.useHandle(handle -> handle.createUpdate("""
                        insert into schedule_fire (runbook, outcome, scheduled_at, fired_at, lateness_ms, run_id, message)
                        values (:runbook, :outcome, :scheduledAt, :firedAt, :lateness, :runId, :message)""")
                .bind("runbook", runbook)
                .bind("outcome", outcome.wireName())
                .bind("scheduledAt", Timestamp.from(scheduledAt))
                .bind("firedAt", Timestamp.from(firedAt))
                .bind("lateness", Math.max(0, decidedAt.toEpochMilli() - scheduledAt.toEpochMilli()))
                .bind("runId", runId)
                .bind("message", message)
                .execute());
    }

    /** The oldest scheduled run of {@code runbook} that is still queued or running. */
    public Optional<ActiveRun> activeScheduledRun(String runbook) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select id, status from run
                        where runbook = :runbook and trigger_type = 'schedule' and status in ('queued', 'running')
                        order by created_at limit 1""")
                .bind("runbook", runbook)
                .map((row, context) -> new ActiveRun(row.getString("id"), RunStatus.parse(row.getString("status"))))
                .findOne());
    }

    /** Misfires recorded per runbook. */
    public Map<String, Integer> misfireCounts() {
        Map<String, Integer> counts = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "select runbook, count(*) as n from schedule_fire where outcome = 'misfired' group by runbook")
                .map((row, context) -> Map.entry(row.getString("runbook"), row.getInt("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    /** For the benchmark: of each fire that ran since {@code since}, Quartz's lateness and Quench's, in ms. */
    public List<long[]> latenessOfRunsSince(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select scheduled_at, fired_at, lateness_ms from schedule_fire
                        where outcome = 'ran' and scheduled_at >= :since order by id""")
                .bind("since", Timestamp.from(since))
                .map((row, context) -> new long[] {
                        row.getTimestamp("fired_at").getTime() - row.getTimestamp("scheduled_at").getTime(),
                        row.getLong("lateness_ms")})
                .list());
    }
}
