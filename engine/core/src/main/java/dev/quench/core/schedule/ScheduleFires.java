package dev.quench.core.schedule;

import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.ScheduleRepository;
import dev.quench.core.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The schedule fire log: one entry per schedule fire (ran, skipped, misfired), and the look-ups the
 * scheduler needs about runs, through the store's {@link ScheduleRepository}. Thread-safe.
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

    private final ScheduleRepository schedules;
    private final EngineMetrics metrics;

    public ScheduleFires(Store store) {
        this(store, EngineMetrics.discarding());
    }

    /** Fires recorded in {@code store} and reported to {@code metrics} (lateness of runs, misfires). */
    public ScheduleFires(Store store, EngineMetrics metrics) {
        this.schedules = Objects.requireNonNull(store, "store").schedules();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
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
        schedules.recordFires(fires.stream().map(ScheduleFires::row).toList());
        fires.forEach(this::report);
    }

    /** Every fire passes here once it is recorded: the one place that reports fires to the metrics. */
    private void report(Fire fire) {
        switch (fire.outcome()) {
            case RAN -> metrics.scheduleFired(java.time.Duration.between(fire.scheduledAt(), fire.decidedAt()));
            case MISFIRED -> metrics.scheduleMisfired();
            case SKIPPED -> { }
        }
    }

    /**
     * The oldest still queued or running scheduled run of each runbook that has one, in one query
     * (there are few at any time; the run table is indexed by status).
     */
    public Map<String, ActiveRun> activeScheduledRuns() {
        Map<String, ActiveRun> active = new java.util.HashMap<>();
        schedules.unfinishedScheduledRuns().forEach((runbook, run) -> active.put(runbook, activeRun(run)));
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
        Fire fire = new Fire(runbook, outcome, scheduledAt, firedAt, decidedAt, runId, message);
        schedules.recordFire(row(fire));
        report(fire);
    }

    /** The oldest scheduled run of {@code runbook} that is still queued or running. */
    public Optional<ActiveRun> activeScheduledRun(String runbook) {
        return schedules.unfinishedScheduledRun(runbook).map(ScheduleFires::activeRun);
    }

    /** Misfires recorded per runbook. */
    public Map<String, Integer> misfireCounts() {
        return schedules.misfireCounts();
    }

    /** For the benchmark: of each fire that ran since {@code since}, Quartz's lateness and Quench's, in ms. */
    public List<long[]> latenessOfRunsSince(Instant since) {
        return schedules.latenessOfRunsSince(since);
    }

    private static ScheduleRepository.FireRow row(Fire fire) {
        return new ScheduleRepository.FireRow(fire.runbook(), fire.outcome().wireName(), fire.scheduledAt(),
                fire.firedAt(), fire.decidedAt(), fire.runId(), fire.message());
    }

    private static ActiveRun activeRun(ScheduleRepository.RunState run) {
        return new ActiveRun(run.id(), run.status());
    }
}
