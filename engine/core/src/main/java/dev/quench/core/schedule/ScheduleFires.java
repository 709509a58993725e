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
