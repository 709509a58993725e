package dev.quench.core.schedule;

import dev.quench.core.engine.RunDispatcher;
import dev.quench.core.engine.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Quartz cron triggers in step with the runbooks' {@code triggers.schedule}, in the engine's
 * own database (JDBC {@code JobStoreTX}), and turns each fire into a scheduled run through the
 * {@link RunDispatcher}. One trigger per runbook, named after it. Thread-safe.
 */
public final class RunbookScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookScheduler.class);

    /** Stored as SCHED_NAME: every engine on the same database must use the same one. */
    static final String SCHEDULER_NAME = "quench";
    static final String GROUP = "runbooks";
    private static final int LAUNCH_THREADS = 4;

    private final Scheduler quartz;
    private final RunbookRegistry runbooks;
    private final RunDispatcher dispatcher;
    private final ScheduleFires fires;
    private final Store store;
    private final Clock clock;
    private final ScheduledExecutorService jitterTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("quench-schedule-jitter").daemon(true).factory());
    private final Map<String, Object> overlapLocks = new ConcurrentHashMap<>();
    // Fires are handed off at once so Quartz's few threads keep acquiring triggers: with 1,000
    // schedules in the same second, doing the database work on them made the last fire seconds late.
    // A few threads only: each fire takes pool connections, and Quartz needs some to keep firing.
    private final ExecutorService launchThreads = Executors.newFixedThreadPool(LAUNCH_THREADS,
            Thread.ofPlatform().name("quench-schedule-fire-", 0).daemon(true).factory());

    private RunbookScheduler(Scheduler quartz, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                             Clock clock) {
        this.quartz = quartz;
        this.store = store;
        this.runbooks = runbooks;
        this.dispatcher = dispatcher;
        this.fires = new ScheduleFires(store);
        this.clock = clock;
    }

    /**
     * Opens the job store on {@code store}'s pool and prepares the scheduler; call {@link #sync()}
     * then {@link #start()}.
     *
     * @param settings the config's {@code schedule:} section values ({@code threads}, {@code misfireThreshold})
     */
    public static RunbookScheduler open(Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                                        ScheduleSettings settings, Clock clock) throws SchedulerException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(settings, "settings");
        // Quartz looks data sources up by name in a JVM-wide registry: a unique name per engine.
        String dataSourceName = "quench-store-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName,
                new StoreConnectionProvider(store.dataSource()));
        Properties properties = new Properties();
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, SCHEDULER_NAME);
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
        properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.threads()));
        properties.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        properties.setProperty("org.quartz.threadPool.threadNamePrefix", "quench-schedule");
        // Acquire and fire triggers due together in one job store transaction, not one by one.
        properties.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount",
                Integer.toString(settings.threads()));
        // ... and pick up triggers due within the next second early, so a burst is fired on time.
        properties.setProperty("org.quartz.scheduler.batchTriggerAcquisitionFireAheadTimeWindow", "1000");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        properties.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        properties.setProperty("org.quartz.jobStore.driverDelegateClass", delegateFor(store));
        properties.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        properties.setProperty("org.quartz.jobStore.useProperties", "true");
        properties.setProperty("org.quartz.jobStore.misfireThreshold",
                Long.toString(settings.misfireThreshold().toMillis()));
        StdSchedulerFactory factory = new StdSchedulerFactory(properties);
        Scheduler quartz = factory.getScheduler();
        // Quartz keeps schedulers in a JVM-wide registry by name and would hand a second engine in the
        // same JVM (tests, the benchmark) the first one's scheduler: keep ours out of it.
        SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
        RunbookScheduler scheduler = new RunbookScheduler(quartz, store, runbooks, dispatcher, clock);
        quartz.getContext().put(RunbookScheduleJob.SCHEDULER_KEY, scheduler);
        quartz.getListenerManager().addTriggerListener(new MisfireRecorder(scheduler),
                GroupMatcher.triggerGroupEquals(GROUP));
        return scheduler;
    }

    private static String delegateFor(Store store) throws SchedulerException {
        try (Connection connection = store.dataSource().getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return product.contains("postgres") ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                    : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate";
        } catch (SQLException e) {
            throw new SchedulerException("cannot read the store's database type: " + e.getMessage(), e);
        }
    }

    /** Starts firing; fires missed while the engine was down are handled by their misfire policy now. */
    public void start() throws SchedulerException {
        quartz.start();
    }

    /** What a {@link #sync()} changed. */
    public record SyncReport(int added, int changed, int removed, int kept, int unchanged) {
    }

    /**
     * Makes the stored triggers match the loaded runbooks: adds new schedules, replaces changed ones,
     * removes those of runbooks that are gone. A runbook whose file failed to load keeps its last
     * good trigger (its fires are recorded as skipped until the file is fixed).
     */
    public synchronized SyncReport sync() throws SchedulerException {
        Map<String, ScheduleSpec> wanted = new LinkedHashMap<>();
        Map<String, Runbook> byName = new HashMap<>();
        for (Runbook runbook : runbooks.runbooks()) {
            Object raw = runbook.deferred().get("triggers.schedule");
            if (raw != null) {
                ScheduleSpecParser.parse(raw).spec().ifPresent(spec -> wanted.put(runbook.name(), spec));
                byName.put(runbook.name(), runbook);
            }
        }
        Map<String, StoredTrigger> stored = StoredTrigger.list(store, SCHEDULER_NAME, GROUP);
        Set<String> brokenFiles = new HashSet<>();
        for (RunbookProblem problem : runbooks.problems()) {
            brokenFiles.add(problem.file().toAbsolutePath().normalize().toString());
        }
        Map<JobDetail, Set<? extends Trigger>> toStore = new HashMap<>();
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        for (Map.Entry<String, ScheduleSpec> entry : wanted.entrySet()) {
            String name = entry.getKey();
            Runbook runbook = byName.get(name);
            String fingerprint = fingerprint(entry.getValue());
            StoredTrigger existing = stored.get(name);
            if (existing != null && fingerprint.equals(existing.description())) {
                unchanged++;
                continue;
            }
            if (!firesAgain(entry.getValue())) {
                // Quartz refuses a trigger that never fires (a cron naming a past year): say so, keep going.
                LOG.warn("schedule of {} ({}) never fires again after now: not scheduled", name,
                        entry.getValue().describe());
                continue;
            }
            if (existing == null) {
                added++;
            } else {
                changed++;
            }
            JobDetail job = JobBuilder.newJob(RunbookScheduleJob.class).withIdentity(name, GROUP)
                    .withDescription(runbook.source().toAbsolutePath().normalize().toString())
                    .storeDurably().build();
            toStore.put(job, Set.of(trigger(name, entry.getValue(), fingerprint)));
        }
        List<TriggerKey> toRemove = new ArrayList<>();
        List<JobKey> jobsToRemove = new ArrayList<>();
        int kept = 0;
        for (StoredTrigger existing : stored.values()) {
            if (wanted.containsKey(existing.name())) {
                continue;
            }
            if (existing.source() != null && brokenFiles.contains(existing.source())) {
                kept++;
                LOG.warn("runbook {} did not load ({}): its schedule is kept until the file is fixed",
                        existing.name(), existing.source());
                continue;
            }
            toRemove.add(TriggerKey.triggerKey(existing.name(), GROUP));
            jobsToRemove.add(JobKey.jobKey(existing.name(), GROUP));
        }
        if (!toStore.isEmpty()) {
            // One job store transaction for every new and changed schedule.
            quartz.scheduleJobs(toStore, true);
        }
        if (!jobsToRemove.isEmpty()) {
            quartz.deleteJobs(jobsToRemove);
        }
        SyncReport report = new SyncReport(added, changed, toRemove.size(), kept, unchanged);
        LOG.info("schedules: {} added, {} changed, {} removed, {} kept (file broken), {} unchanged",
                added, changed, toRemove.size(), kept, unchanged);
        return report;
    }

    private boolean firesAgain(ScheduleSpec spec) {
        try {
            CronExpression expression = new CronExpression(spec.cron());
            expression.setTimeZone(TimeZone.getTimeZone(spec.timezone()));
            return expression.getNextValidTimeAfter(Date.from(clock.instant())) != null;
        } catch (ParseException e) {
            return false;
        }
    }

    /** What the trigger depends on; jitter and overlap are read from the runbook at each fire. */
    private static String fingerprint(ScheduleSpec spec) {
        return spec.cron() + "|" + spec.timezone().getId() + "|" + spec.misfire().wireName();
    }

    private static Trigger trigger(String name, ScheduleSpec spec, String fingerprint) {
        CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(spec.cron())
                .inTimeZone(TimeZone.getTimeZone(spec.timezone()));
        schedule = spec.misfire() == MisfirePolicy.SKIP ? schedule.withMisfireHandlingInstructionDoNothing()
                : schedule.withMisfireHandlingInstructionFireAndProceed();
        return TriggerBuilder.newTrigger().withIdentity(name, GROUP).forJob(name, GROUP)
                .withDescription(fingerprint).withSchedule(schedule).build();
    }

    /** A fire of {@code runbookName}'s trigger, from {@link RunbookScheduleJob}. */
    void fired(String runbookName, Instant scheduledAt, Instant firedAt) {
        Runbook runbook = runbooks.find(runbookName).orElse(null);
        ScheduleSpec spec = runbook == null ? null
                : ScheduleSpecParser.parse(runbook.deferred().getOrDefault("triggers.schedule", Map.of())).spec()
                        .orElse(null);
        if (spec == null) {
            fires.record(runbookName, ScheduleFires.Outcome.SKIPPED, scheduledAt, firedAt, firedAt, null,
                    "runbook '" + runbookName + "' is not loaded (its file has problems: see 'quench validate'); "
                            + "the fire was skipped and the last good schedule kept");
            LOG.warn("schedule of {} fired but the runbook is not loaded; skipped", runbookName);
            return;
        }
        if (spec.jitter().isZero()) {
            launchThreads.execute(() -> launch(runbook, spec, scheduledAt, firedAt, Duration.ZERO));
            return;
        }
        long jitterMillis = ThreadLocalRandom.current().nextLong(spec.jitter().toMillis() + 1);
        jitterTimer.schedule(() -> launchThreads.execute(
                        () -> launch(runbook, spec, scheduledAt, firedAt, Duration.ofMillis(jitterMillis))),
                jitterMillis, TimeUnit.MILLISECONDS);
    }

    private void launch(Runbook runbook, ScheduleSpec spec, Instant scheduledAt, Instant firedAt, Duration jitter) {
        try {
            launchNow(runbook, spec, scheduledAt, firedAt, jitter);
        } catch (RuntimeException e) {
            LOG.error("schedule of {} fired at {} but its run could not be recorded", runbook.name(), firedAt, e);
        }
    }

    private void launchNow(Runbook runbook, ScheduleSpec spec, Instant scheduledAt, Instant firedAt,
                           Duration jitter) {
        Instant startedAt = clock.instant();
        long lateMillis = Math.max(0, startedAt.toEpochMilli() - scheduledAt.toEpochMilli());
        String detail = "schedule " + spec.describe() + ", scheduled " + scheduledAt + ", fired " + firedAt
                + ", started " + startedAt + ", late " + lateMillis + " ms"
                + (jitter.isZero() ? "" : " (jitter " + jitter.toMillis() + " ms)");
        // One decision at a time per runbook, so two quick fires cannot both see "nothing running".
        synchronized (overlapLocks.computeIfAbsent(runbook.name(), name -> new Object())) {
            if (!spec.allowOverlap()) {
                var active = fires.activeScheduledRun(runbook.name());
                if (active.isPresent()) {
                    String reason = "skipped: the previous scheduled run " + active.get().id() + " is still "
                            + active.get().status().wireName() + " and allowOverlap is false; set "
                            + "triggers.schedule.allowOverlap: true to run fires side by side";
                    RunRecord skipped = dispatcher.recordSkippedSchedule(runbook, detail, reason);
                    fires.record(runbook.name(), ScheduleFires.Outcome.SKIPPED, scheduledAt, firedAt, startedAt,
                            skipped.id(), reason);
                    LOG.warn("schedule of {}: {}", runbook.name(), reason);
                    return;
                }
            }
            RunRecord run = dispatcher.startScheduled(runbook, detail);
            fires.record(runbook.name(), ScheduleFires.Outcome.RAN, scheduledAt, firedAt, startedAt, run.id(), "");
        }
    }

    /** A misfire Quartz detected, from {@link MisfireRecorder}. */
    void misfired(String runbookName, Instant scheduledAt, int misfireInstruction) {
        boolean skip = misfireInstruction == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING;
        String message = "missed the fire at " + scheduledAt + " (the engine was stopped or busy); "
                + (skip ? "skipped it (misfire: skip), waiting for the next fire"
                        : "running once now (misfire: runOnce)");
        Instant now = clock.instant();
        fires.record(runbookName, ScheduleFires.Outcome.MISFIRED, scheduledAt, now, now, null, message);
        LOG.warn("schedule of {} {}", runbookName, message);
    }

    /** The schedules as stored, with next fires, last run and misfires. */
    public List<ScheduleView> schedules() {
        return ScheduleView.list(store);
    }

    /**
     * Stops firing, then waits for fires being handed to the dispatcher (a run itself finishes
     * or is recorded by the dispatcher's own shutdown). Jittered fires not yet started are
     * dropped and logged.
     */
    @Override
    public void close() throws SchedulerException {
        quartz.standby();
        for (Runnable pending : jitterTimer.shutdownNow()) {
            LOG.warn("a jittered schedule fire had not started when the engine stopped; it was dropped: {}", pending);
        }
        quartz.shutdown(true);
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
