package dev.quench.core.schedule;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.ScheduleSpec;
import dev.quench.core.store.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one fire of a {@link ScheduleGroup} into runs of its runbooks: each runbook's jitter is
 * applied here (a bounded random delay), overlaps are refused, and the runs and {@code schedule_fire}
 * rows of all runbooks due together are written in one batch each. Thread-safe.
 */
final class ScheduleFanOut implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduleFanOut.class);
    private static final int LAUNCH_THREADS = 2;

    /**
     * A runbook in a group, as the last sync saw it.
     *
     * @param runbook the runbook's name
     * @param spec    its schedule; empty when the runbook is not loaded (its file is broken) and only
     *                its stored membership keeps it in the group
     */
    record Target(String runbook, Optional<ScheduleSpec> spec) {
    }

    private record Due(Runbook runbook, ScheduleSpec spec, Duration jitter) {
    }

    private final RunbookRegistry runbooks;
    private final RunDispatcher dispatcher;
    private final ScheduleFires fires;
    private final Clock clock;
    /** One launch decision at a time, so two quick fires cannot both see "nothing running". */
    private final Object launchLock = new Object();
    private final ScheduledExecutorService jitterTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("quench-schedule-jitter").daemon(true).factory());
    // Fires are handed off at once so Quartz's threads keep acquiring triggers.
    private final ExecutorService launchThreads = Executors.newFixedThreadPool(LAUNCH_THREADS,
            Thread.ofPlatform().name("quench-schedule-fire-", 0).daemon(true).factory());

    ScheduleFanOut(RunbookRegistry runbooks, RunDispatcher dispatcher, ScheduleFires fires, Clock clock) {
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.fires = Objects.requireNonNull(fires, "fires");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fire of {@code group}, whose runbooks are {@code targets}; returns at once. */
    void fired(ScheduleGroup group, List<Target> targets, Instant scheduledAt, Instant firedAt) {
        if (targets.isEmpty()) {
            LOG.warn("schedule {} fired at {} but no loaded runbook has it any more; nothing to run",
                    group.describe(), scheduledAt);
            return;
        }
        List<Due> now = new ArrayList<>();
        List<ScheduleFires.Fire> notLoaded = new ArrayList<>();
        for (Target target : targets) {
            Optional<Runbook> runbook = target.spec().isPresent() ? runbooks.find(target.runbook()) : Optional.empty();
            if (runbook.isEmpty()) {
                notLoaded.add(new ScheduleFires.Fire(target.runbook(), ScheduleFires.Outcome.SKIPPED, scheduledAt,
                        firedAt, firedAt, null, "runbook '" + target.runbook() + "' is not loaded (its file has "
                        + "problems: see 'quench validate'); the fire was skipped and the last good schedule kept"));
                LOG.warn("schedule of {} fired but the runbook is not loaded; skipped", target.runbook());
                continue;
            }
            ScheduleSpec spec = target.spec().get();
            if (spec.jitter().isZero()) {
                now.add(new Due(runbook.get(), spec, Duration.ZERO));
            } else {
                Duration jitter = Duration.ofMillis(ThreadLocalRandom.current().nextLong(spec.jitter().toMillis() + 1));
                Due due = new Due(runbook.get(), spec, jitter);
                jitterTimer.schedule(() -> handOff(List.of(due), scheduledAt, firedAt), jitter.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        if (!notLoaded.isEmpty()) {
            launchThreads.execute(() -> fires.recordAll(notLoaded));
        }
        if (!now.isEmpty()) {
            handOff(now, scheduledAt, firedAt);
        }
    }

    private void handOff(List<Due> due, Instant scheduledAt, Instant firedAt) {
        try {
            launchThreads.execute(() -> launch(due, scheduledAt, firedAt));
        } catch (RejectedExecutionException e) {
            LOG.warn("{} schedule fire(s) due at {} arrived while the engine was stopping; dropped", due.size(),
                    scheduledAt);
        }
    }

    private void launch(List<Due> due, Instant scheduledAt, Instant firedAt) {
        try {
            launchNow(due, scheduledAt, firedAt);
        } catch (RuntimeException e) {
            LOG.error("schedule fire due at {} (runbooks {}…) could not be recorded", scheduledAt,
                    due.getFirst().runbook().name(), e);
        }
    }

    private void launchNow(List<Due> due, Instant scheduledAt, Instant firedAt) {
        synchronized (launchLock) {
            Instant startedAt = clock.instant();
            long lateMillis = Math.max(0, startedAt.toEpochMilli() - scheduledAt.toEpochMilli());
            boolean anyExclusive = due.stream().anyMatch(one -> !one.spec().allowOverlap());
            Map<String, ScheduleFires.ActiveRun> active = anyExclusive ? fires.activeScheduledRuns() : Map.of();
            List<RunDispatcher.ScheduledStart> starts = new ArrayList<>();
            List<ScheduleFires.Fire> records = new ArrayList<>();
            for (Due one : due) {
                String detail = "schedule " + one.spec().describe() + ", scheduled " + scheduledAt + ", fired "
                        + firedAt + ", started " + startedAt + ", late " + lateMillis + " ms"
                        + (one.jitter().isZero() ? "" : " (jitter " + one.jitter().toMillis() + " ms)");
                ScheduleFires.ActiveRun running = one.spec().allowOverlap() ? null : active.get(one.runbook().name());
                if (running == null) {
                    starts.add(new RunDispatcher.ScheduledStart(one.runbook(), detail, scheduledAt));
                    continue;
                }
                String reason = "skipped: the previous scheduled run " + running.id() + " is still "
                        + running.status().wireName() + " and allowOverlap is false; set "
                        + "triggers.schedule.allowOverlap: true to run fires side by side";
                RunRecord skipped = dispatcher.recordSkippedSchedule(one.runbook(), detail, reason);
                records.add(new ScheduleFires.Fire(one.runbook().name(), ScheduleFires.Outcome.SKIPPED, scheduledAt,
                        firedAt, startedAt, skipped.id(), reason));
                LOG.warn("schedule of {}: {}", one.runbook().name(), reason);
            }
            List<RunRecord> runs = starts.isEmpty() ? List.of() : dispatcher.startScheduled(starts);
            for (RunRecord run : runs) {
                records.add(new ScheduleFires.Fire(run.runbook(), ScheduleFires.Outcome.RAN, scheduledAt, firedAt,
                        startedAt, run.id(), ""));
            }
            fires.recordAll(records);
        }
    }

    /** Records a misfire of {@code group} for each of its runbooks. */
    void misfired(ScheduleGroup group, List<Target> targets, Instant scheduledAt, boolean skip) {
        String message = "missed the fire at " + scheduledAt + " (the engine was stopped or busy); "
                + (skip ? "skipped it (misfire: skip), waiting for the next fire"
                        : "running once now (misfire: runOnce)");
        Instant now = clock.instant();
        List<ScheduleFires.Fire> records = new ArrayList<>();
        for (Target target : targets) {
            records.add(new ScheduleFires.Fire(target.runbook(), ScheduleFires.Outcome.MISFIRED, scheduledAt, now, now,
                    null, message));
        }
        fires.recordAll(records);
        LOG.warn("schedule {} of {} runbook(s) {}", group.describe(), targets.size(), message);
    }

    /** Drops jittered fires not yet started (logged), then waits for hand-offs being recorded. */
    @Override
    public void close() {
        for (Runnable pending : jitterTimer.shutdownNow()) {
            LOG.warn("a jittered schedule fire had not started when the engine stopped; it was dropped: {}", pending);
        }
        launchThreads.shutdown();
        try {
            if (!launchThreads.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("schedule fires were still being recorded 30 s after the stop began; abandoning them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
