package dev.quench.core.schedule;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.runbook.MisfirePolicy;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.ScheduleSpec;
import dev.quench.core.store.Store;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
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
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Quartz cron triggers in step with the runbooks' {@code triggers.schedule}, in the engine's
 * own database (JDBC {@code JobStoreTX}), and turns each fire into scheduled runs through the
 * {@link RunDispatcher}. One trigger per {@link ScheduleGroup} (distinct cron, timezone and misfire
 * policy), fanned out in-process to the group's runbooks by {@link ScheduleFanOut}: the job store
 * work is per group, not per runbook. Which runbook is in which group comes from the runbooks this
 * engine has loaded (every node of a cluster derives the same), and is stored in
 * {@code schedule_member} for views and for broken files. Thread-safe.
 */
public final class RunbookScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookScheduler.class);

    /** Stored as SCHED_NAME: every engine on the same database must use the same one. */
    static final String SCHEDULER_NAME = "quench";
    /** The Quartz group of the schedule-group triggers and jobs. */
    static final String GROUP = "schedule-groups";
    /** How long a fire waits for the first sync at start-up (a load of 10,000 runbooks takes seconds). */
    private static final java.time.Duration FIRST_SYNC_WAIT = java.time.Duration.ofMinutes(5);

    private final Scheduler quartz;
    private final RunbookRegistry runbooks;
    private final ScheduleMembers members;
    private final ScheduleFanOut fanOut;
    private final Store store;
    private final Clock clock;
    /** Schedules written with {@code enabled: false}, as of the last sync, by runbook name; replaced whole. */
    private volatile List<ScheduleView> inactive = List.of();
    /** Group name → its runbooks, as of the last sync; replaced whole. */
    private volatile Map<String, Fanned> byGroup = Map.of();
    /**
     * Open until the first {@link #sync()}: {@code quench serve} starts Quartz (with the triggers the
     * store holds) before the runbooks are loaded, and a fire or misfire in that window waits here for
     * the group's runbooks instead of finding none.
     */
    private final CountDownLatch firstSync = new CountDownLatch(1);
    /**
     * Misfires Quartz reported before the first sync, recorded by it. They cannot wait like fires do:
     * Quartz reports a misfire while it holds its job store lock, which the sync needs.
     */
    private final List<EarlyMisfire> earlyMisfires = new ArrayList<>();

    private record EarlyMisfire(String groupName, Instant scheduledAt, int misfireInstruction) {
    }

    private record Fanned(ScheduleGroup group, List<ScheduleFanOut.Target> targets) {
    }

    private RunbookScheduler(Scheduler quartz, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                             Clock clock, EngineMetrics metrics) {
        this.quartz = quartz;
        this.store = store;
        this.runbooks = runbooks;
        this.members = new ScheduleMembers(store);
        this.fanOut = new ScheduleFanOut(runbooks, dispatcher, new ScheduleFires(store, metrics), clock);
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
        return open(store, runbooks, dispatcher, settings, clock, EngineMetrics.discarding(), null);
    }

    /** As {@link #open(Store, RunbookRegistry, RunDispatcher, ScheduleSettings, Clock)}, reporting fires to {@code metrics}. */
    public static RunbookScheduler open(Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                                        ScheduleSettings settings, Clock clock, EngineMetrics metrics)
            throws SchedulerException {
        return open(store, runbooks, dispatcher, settings, clock, metrics, null);
    }

    /**
     * Like {@link #open(Store, RunbookRegistry, RunDispatcher, ScheduleSettings, Clock)}, as a node of a
     * cluster: on PostgreSQL, Quartz's clustered job store (instance id the node id, checking in every
     * heartbeat) fires each schedule group on one node only, and takes over the fires of a node that
     * stopped checking in. On H2 (one engine) the cluster settings change nothing.
     *
     * @param metrics where fires and misfires are reported
     * @param cluster this node's cluster settings, or null outside a cluster
     */
    public static RunbookScheduler open(Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                                        ScheduleSettings settings, Clock clock, EngineMetrics metrics,
                                        dev.quench.core.dispatch.ClusterSettings cluster) throws SchedulerException {
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
        if (cluster != null && isPostgres(store)) {
            properties.setProperty("org.quartz.jobStore.isClustered", "true");
            properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, cluster.nodeId());
            properties.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                    Long.toString(cluster.heartbeat().toMillis()));
            // Row locks (SELECT ... FOR UPDATE on QRTZ_LOCKS) order the nodes' job store work.
            properties.setProperty("org.quartz.jobStore.lockHandler.class",
                    "org.quartz.impl.jdbcjobstore.StdRowLockSemaphore");
        }
        StdSchedulerFactory factory = new StdSchedulerFactory(properties);
        Scheduler quartz = factory.getScheduler();
        // Quartz keeps schedulers in a JVM-wide registry by name and would hand a second engine in the
        // same JVM (tests, the benchmark) the first one's scheduler: keep ours out of it.
        SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
        RunbookScheduler scheduler = new RunbookScheduler(quartz, store, runbooks, dispatcher, clock, metrics);
        quartz.getContext().put(RunbookScheduleJob.SCHEDULER_KEY, scheduler);
        quartz.getListenerManager().addTriggerListener(new MisfireRecorder(scheduler),
                GroupMatcher.triggerGroupEquals(GROUP));
        return scheduler;
    }

    private static boolean isPostgres(Store store) throws SchedulerException {
        try {
            return store.isPostgres();
        } catch (dev.quench.core.store.StoreException e) {
            throw new SchedulerException(e.getMessage(), e);
        }
    }

    private static String delegateFor(Store store) throws SchedulerException {
        try {
            return store.isPostgres() ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
                    : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate";
        } catch (dev.quench.core.store.StoreException e) {
            throw new SchedulerException(e.getMessage(), e);
        }
    }

    /** Starts firing; fires missed while the engine was down are handled by their misfire policy now. */
    public void start() throws SchedulerException {
        quartz.start();
    }

    /** What a {@link #sync()} changed, counted in runbook schedules (not groups). */
    public record SyncReport(int added, int changed, int removed, int kept, int unchanged) {
    }

    /**
     * Makes the stored groups and memberships match the loaded runbooks: adds new schedules, moves
     * changed ones to their new group, removes those of runbooks that are gone, and deletes groups
     * left without runbooks. A runbook whose file failed to load keeps its last good schedule (its
     * fires are recorded as skipped until the file is fixed). A few queries whatever the number of
     * runbooks: one read of each table, batched writes.
     */
    public synchronized SyncReport sync() throws SchedulerException {
        // Nodes of a cluster starting together would otherwise write the same memberships at once.
        return store.schedules().underSyncLock(this::syncNow);
    }

    private SyncReport syncNow() throws SchedulerException {
        Map<String, ScheduleMembers.Member> wanted = new LinkedHashMap<>();
        Map<String, ScheduleSpec> specs = new HashMap<>();
        List<ScheduleView> disabled = new ArrayList<>();
        for (Runbook runbook : runbooks.runbooks()) {
            runbook.schedule().ifPresent(spec -> {
                if (!spec.enabled()) {
                    // Not stored at all: a schedule switched off is removed from the job store like a deleted one.
                    disabled.add(ScheduleView.inactive(runbook.name(), spec, runbook.source().toString()));
                    return;
                }
                wanted.put(runbook.name(), new ScheduleMembers.Member(runbook.name(), ScheduleGroup.of(spec),
                        runbook.source().toAbsolutePath().normalize().toString()));
                specs.put(runbook.name(), spec);
            });
        }
        disabled.sort(java.util.Comparator.comparing(ScheduleView::runbook));
        inactive = List.copyOf(disabled);
        Map<String, ScheduleMembers.Member> stored = members.list();
        Set<String> brokenFiles = new HashSet<>();
        for (RunbookProblem problem : runbooks.problems()) {
            brokenFiles.add(problem.file().toAbsolutePath().normalize().toString());
        }
        Map<String, ScheduleMembers.Member> all = new LinkedHashMap<>(wanted);
        int kept = 0;
        for (ScheduleMembers.Member candidate : stored.values()) {
            if (!all.containsKey(candidate.runbook()) && candidate.source() != null
                    && brokenFiles.contains(candidate.source())) {
                all.put(candidate.runbook(), candidate);
                kept++;
                LOG.warn("runbook {} did not load ({}): its schedule is kept until the file is fixed",
                        candidate.runbook(), candidate.source());
            }
        }
        Map<String, StoredTrigger> storedGroups = StoredTrigger.list(store, SCHEDULER_NAME, GROUP);
        Map<String, ScheduleGroup> groups = new LinkedHashMap<>();
        all.values().forEach(member -> groups.putIfAbsent(member.group().name(), member.group()));
        Map<JobDetail, Set<? extends Trigger>> toStore = new HashMap<>();
        for (ScheduleGroup group : List.copyOf(groups.values())) {
            if (storedGroups.containsKey(group.name())) {
                continue;
            }
            if (!firesAgain(group)) {
                // Quartz refuses a trigger that never fires (a cron naming a past year): say so, keep going.
                LOG.warn("schedule {} never fires again after now: not scheduled (runbooks {})", group.describe(),
                        all.values().stream().filter(member -> member.group().equals(group))
                                .map(ScheduleMembers.Member::runbook).toList());
                groups.remove(group.name());
                all.values().removeIf(member -> member.group().equals(group));
                continue;
            }
            JobDetail job = JobBuilder.newJob(RunbookScheduleJob.class).withIdentity(group.name(), GROUP)
                    .withDescription(group.fingerprint()).storeDurably().build();
            toStore.put(job, Set.of(trigger(group)));
        }
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        List<ScheduleMembers.Member> upserts = new ArrayList<>();
        for (ScheduleMembers.Member member : all.values()) {
            ScheduleMembers.Member before = stored.get(member.runbook());
            if (before == null) {
                upserts.add(member);
                if (wanted.containsKey(member.runbook())) {
                    added++;
                }
            } else if (!before.equals(member)) {
                upserts.add(member);
                changed++;
            } else if (wanted.containsKey(member.runbook())) {
                unchanged++;
            }
        }
        List<String> removed = stored.keySet().stream().filter(name -> !all.containsKey(name)).toList();
        List<JobKey> jobsToRemove = new ArrayList<>();
        storedGroups.keySet().stream().filter(name -> !groups.containsKey(name))
                .forEach(name -> jobsToRemove.add(JobKey.jobKey(name, GROUP)));
        if (!toStore.isEmpty()) {
            // One job store transaction for every new group.
            quartz.scheduleJobs(toStore, true);
        }
        List<String> deletes = new ArrayList<>(removed);
        upserts.stream().map(ScheduleMembers.Member::runbook).filter(stored::containsKey).forEach(deletes::add);
        members.apply(upserts, deletes);
        if (!jobsToRemove.isEmpty()) {
            quartz.deleteJobs(jobsToRemove);
        }
        Map<String, List<ScheduleFanOut.Target>> targets = new HashMap<>();
        for (ScheduleMembers.Member member : all.values()) {
            targets.computeIfAbsent(member.group().name(), name -> new ArrayList<>())
                    .add(new ScheduleFanOut.Target(member.runbook(), Optional.ofNullable(specs.get(member.runbook()))));
        }
        Map<String, Fanned> index = new HashMap<>();
        groups.values().forEach(group -> index.put(group.name(),
                new Fanned(group, List.copyOf(targets.getOrDefault(group.name(), List.of())))));
        byGroup = Map.copyOf(index);
        List<EarlyMisfire> early;
        synchronized (earlyMisfires) {
            firstSync.countDown();
            early = List.copyOf(earlyMisfires);
            earlyMisfires.clear();
        }
        early.forEach(misfire -> misfired(misfire.groupName(), misfire.scheduledAt(), misfire.misfireInstruction()));
        SyncReport report = new SyncReport(added, changed, removed.size(), kept, unchanged);
        LOG.info("schedules: {} added, {} changed, {} removed, {} kept (file broken), {} unchanged, {} disabled; "
                + "{} group(s) ({} new, {} removed)", report.added(), report.changed(), report.removed(), kept,
                unchanged, disabled.size(), groups.size(), toStore.size(), jobsToRemove.size());
        return report;
    }

    private boolean firesAgain(ScheduleGroup group) {
        try {
            CronExpression expression = new CronExpression(group.cron());
            expression.setTimeZone(TimeZone.getTimeZone(group.timezone()));
            return expression.getNextValidTimeAfter(Date.from(clock.instant())) != null;
        } catch (ParseException e) {
            return false;
        }
    }

    /** The group's trigger. */
    private static Trigger trigger(ScheduleGroup group) {
        CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(group.cron())
                .inTimeZone(TimeZone.getTimeZone(group.timezone()));
        schedule = group.misfire() == MisfirePolicy.SKIP ? schedule.withMisfireHandlingInstructionDoNothing()
                : schedule.withMisfireHandlingInstructionFireAndProceed();
        return TriggerBuilder.newTrigger().withIdentity(group.name(), GROUP)
                .forJob(group.name(), GROUP).withDescription(group.fingerprint()).withSchedule(schedule).build();
    }

    /** A fire of the trigger named {@code groupName}, from {@link RunbookScheduleJob}. */
    void fired(String groupName, Instant scheduledAt, Instant firedAt) {
        awaitFirstSync(groupName);
        Fanned fanned = byGroup.get(groupName);
        if (fanned == null) {
            LOG.warn("schedule group {} fired at {} but this engine has no runbook with that schedule; nothing run",
                    groupName, scheduledAt);
            return;
        }
        fanOut.fired(fanned.group(), fanned.targets(), scheduledAt, firedAt);
    }

    /** A misfire Quartz detected, from {@link MisfireRecorder}. */
    void misfired(String groupName, Instant scheduledAt, int misfireInstruction) {
        synchronized (earlyMisfires) {
            if (firstSync.getCount() > 0) {
                earlyMisfires.add(new EarlyMisfire(groupName, scheduledAt, misfireInstruction));
                return;
            }
        }
        Fanned fanned = byGroup.get(groupName);
        if (fanned != null) {
            fanOut.misfired(fanned.group(), fanned.targets(), scheduledAt,
                    misfireInstruction == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING);
        }
    }

    /** Waits (bounded) until the runbooks' schedules are known; see {@link #firstSync}. */
    private void awaitFirstSync(String groupName) {
        try {
            if (!firstSync.await(FIRST_SYNC_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("schedule group {} fired but the runbooks have not been loaded after {} s; "
                        + "handling the fire with the schedules known now", groupName, FIRST_SYNC_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests that set the job store up as an older version left it. */
    Scheduler quartz() {
        return quartz;
    }

    /**
     * The active schedules as stored, with next fires, last run and misfires, then the inactive ones
     * ({@code enabled: false}) of the last sync.
     */
    public List<ScheduleView> schedules() {
        List<ScheduleView> all = new ArrayList<>(ScheduleView.list(store));
        all.addAll(inactive);
        return all;
    }

    /**
     * Stops firing, then waits for fires being handed to the dispatcher (a run itself finishes
     * or is recorded by the dispatcher's own shutdown). Jittered fires not yet started are
     * dropped and logged.
     */
    @Override
    public void close() throws SchedulerException {
        // A fire still waiting for the first sync (stopped during start-up) finds no runbooks and says so.
        firstSync.countDown();
        quartz.standby();
        quartz.shutdown(true);
        fanOut.close();
    }
}
