package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.match.UnmatchedAlertSummary;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredAlert;
import dev.quench.core.store.TriggerType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns recorded alerts into runs and runs them. Alerts are matched one at a time on a single
 * dispatcher thread (matching is cheap, and one thread means an alert is never processed twice).
 * Admitted runs wait as {@code queued} rows, not as threads; a {@link RunQueuePump} starts them,
 * oldest first, at most {@code maxConcurrentRuns} at once. Once the engine stops, no run starts;
 * queued runs stay queued for the next start, and running ones get {@code executor.shutdownGrace}
 * to finish before they are cancelled (their {@code finally} steps still run). Thread-safe.
 */
public final class RunDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunDispatcher.class);

    private final dev.quench.core.metrics.EngineMetrics metrics;
    private final dev.quench.core.incident.IncidentTracker incidents;
    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunExecutor executor;
    private final Function<String, Map<String, String>> siteParams;
    private final Clock clock;
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("quench-dispatcher").daemon(true).factory());
    private final ExecutorSettings settings;
    private final RunQueuePump pump;
    private final dev.quench.core.guard.RunAdmission admission;
    private final dev.quench.core.guard.KillSwitch killSwitch;
    private final dev.quench.core.guard.RunControl runControl;
    private final UnmatchedAlertSummary unmatched = new UnmatchedAlertSummary(LOG);
    private final AtomicInteger active = new AtomicInteger();
    /** Alerts handed to {@link #alertsRecorded} and not yet matched: the intake's backpressure reads it. */
    private final java.util.concurrent.atomic.AtomicLong pendingAlerts = new java.util.concurrent.atomic.AtomicLong();

    public RunDispatcher(Store store, RunbookRegistry runbooks, RunExecutor executor,
                         Function<String, Map<String, String>> siteParams, int maxConcurrentRuns,
                         ExecutorSettings settings, Clock clock) {
        this(store, runbooks, executor, siteParams, maxConcurrentRuns, settings, clock,
                dev.quench.core.metrics.EngineMetrics.discarding());
    }

    /**
     * A dispatcher that reports guard refusals and the manual toil of firing alerts no runbook matched
     * to {@code metrics}.
     */
    public RunDispatcher(Store store, RunbookRegistry runbooks, RunExecutor executor,
                         Function<String, Map<String, String>> siteParams, int maxConcurrentRuns,
                         ExecutorSettings settings, Clock clock, dev.quench.core.metrics.EngineMetrics metrics) {
        this(store, runbooks, executor, siteParams, maxConcurrentRuns, settings, clock, metrics,
                dev.quench.core.incident.IncidentSettings.DEFAULTS);
    }

    /** A dispatcher that also groups alerts and their runs into incidents as {@code incidents} says. */
    public RunDispatcher(Store store, RunbookRegistry runbooks, RunExecutor executor,
                         Function<String, Map<String, String>> siteParams, int maxConcurrentRuns,
                         ExecutorSettings settings, Clock clock, dev.quench.core.metrics.EngineMetrics metrics,
                         dev.quench.core.incident.IncidentSettings incidents) {
        this.incidents = new dev.quench.core.incident.IncidentTracker(store, incidents);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.store = Objects.requireNonNull(store, "store");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.siteParams = Objects.requireNonNull(siteParams, "siteParams");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.admission = new dev.quench.core.guard.RunAdmission(store.guards(), clock, settings.maxQueuedRuns(),
                settings.maxQueuedPerRunbook(), metrics,
                new dev.quench.core.guard.PrometheusBudgetReader(executor.plugins(), clock));
        this.killSwitch = new dev.quench.core.guard.KillSwitch(store.switches(), clock);
        this.runControl = new dev.quench.core.guard.RunControl(store, clock);
        this.pump = new RunQueuePump(store, runbooks, executor, killSwitch, maxConcurrentRuns, settings.shutdownGrace(),
                clock);
    }

    /** Called once new alerts are durably recorded: matches them and starts their runs. */
    public void alertsRecorded(List<Long> alertIds) {
        if (alertIds.isEmpty()) {
            return;
        }
        active.incrementAndGet();
        pendingAlerts.addAndGet(alertIds.size());
        dispatcher.execute(() -> {
            try {
                // In batches, one transaction each: a commit per alert cannot keep up with a storm.
                for (int from = 0; from < alertIds.size(); from += BATCH) {
                    List<Long> batch = alertIds.subList(from, Math.min(alertIds.size(), from + BATCH));
                    try {
                        processBatch(batch);
                    } catch (RuntimeException e) {
                        LOG.error("matching {} alert(s) failed; they stay unprocessed and are matched again at the next "
                                + "heartbeat (cluster.heartbeat): {}", batch.size(), e.toString());
                    } finally {
                        pendingAlerts.addAndGet(-batch.size());
                    }
                }
            } finally {
                active.decrementAndGet();
            }
        });
    }

    /** Alerts recorded but not yet matched against the runbooks. */
    public long pendingAlerts() {
        return pendingAlerts.get();
    }

    /**
     * Picks up what a previous engine left: alerts recorded but never matched, and runs queued but
     * never started. Runs that were running when it stopped are the {@link ClusterNode}'s: queued again
     * or recorded interrupted (a half-done remediation is not repeated blindly).
     */
    public void recover() {
        // Queued runs (left by the last stop, or held by a pause) start through the pump, oldest first.
        wake();
        List<Long> pending = new ArrayList<>();
        for (StoredAlert alert : store.alerts().unprocessed(10_000)) {
            pending.add(alert.id());
        }
        if (!pending.isEmpty()) {
            LOG.info("{} alert(s) were recorded but not processed before the last stop; processing them now", pending.size());
            alertsRecorded(pending);
        }
    }

    /**
     * Hands alerts left unprocessed to matching again: a batch that failed (the store was unreachable),
     * or the alerts of a node that died between storing and matching them. Called on every heartbeat;
     * does nothing while this node still has alerts waiting to be matched. Alerts another node is
     * matching at the same time are skipped by the row locks of {@code lockUnprocessed}.
     */
    public void retryUnprocessed() {
        resolveSettledIncidents();
        if (pendingAlerts.get() > 0) {
            return;
        }
        List<Long> pending = store.alerts().unprocessed(BATCH).stream().map(StoredAlert::id).toList();
        if (!pending.isEmpty()) {
            alertsRecorded(pending);
        }
    }

    /**
     * Resolves the incidents that settled (every alert resolved, every run ended): after a batch with resolved
     * alerts, and on every heartbeat (a run that ends after its alerts resolved settles its incident then).
     */
    private void resolveSettledIncidents() {
        try {
            List<String> resolved = incidents.resolveSettled();
            if (!resolved.isEmpty()) {
                LOG.info("incident(s) {} resolved: every alert resolved and every run ended", resolved);
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot resolve settled incidents now; trying again at the next heartbeat: {}", e.toString());
        }
    }

    /** Alerts matched in one transaction. */
    private static final int BATCH = 500;

    private void processBatch(List<Long> ids) {
        List<StoredAlert> alerts = store.alerts().findAll(ids).stream().filter(alert -> !alert.processed()).toList();
        if (alerts.isEmpty()) {
            return;
        }
        // Matched before the transaction, which also waits here for the first runbook load: never hold a
        // pooled connection across a wait (with ten such waits the pool is empty and the API stalls).
        Map<Long, List<Runbook>> matches = new java.util.HashMap<>();
        for (StoredAlert stored : alerts) {
            List<Runbook> matched = runbooks.matching(stored.alert());
            matched.forEach(admission::prepare);
            matches.put(stored.id(), matched);
        }
        List<RunRecord> created = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        int[] queueFull = new int[1];
        store.useTransaction(transaction -> {
            created.clear();
            afterCommit.clear();
            queueFull[0] = 0;
            Map<Long, Integer> matchedCounts = new java.util.HashMap<>();
            java.util.Set<Long> mine = store.alerts().lockUnprocessed(transaction,
                    alerts.stream().map(StoredAlert::id).toList());
            for (StoredAlert stored : alerts) {
                if (!mine.contains(stored.id())) {
                    continue; // processed, or being processed, by another node
                }
                matchedCounts.put(stored.id(), process(transaction, stored, matches.get(stored.id()), created,
                        afterCommit, queueFull));
            }
            // One UPDATE per distinct count, not one per alert: the dispatcher must keep up with a storm.
            store.alerts().markProcessed(transaction, matchedCounts);
        });
        afterCommit.forEach(Runnable::run);
        if (alerts.stream().anyMatch(stored -> stored.alert().status() == dev.quench.core.alert.AlertStatus.RESOLVED)) {
            resolveSettledIncidents();
        }
        if (queueFull[0] > 0) {
            LOG.warn("{} run(s) refused: the run queue is full (executor.maxQueuedPerRunbook {}, executor.maxQueuedRuns {}); "
                    + "each is recorded refused with the reason (GET /api/v1/runs?status=refused)", queueFull[0],
                    settings.maxQueuedPerRunbook(), settings.maxQueuedRuns());
        }
        if (!created.isEmpty()) {
            wake();
        }
    }

    /** Queues the runs of one alert and the runbooks it {@code matched}; returns how many runbooks it matched. */
    private int process(dev.quench.core.store.StoreTransaction transaction, StoredAlert stored,
                        List<Runbook> matched, List<RunRecord> created, List<Runnable> afterCommit, int[] queueFull) {
        Alert alert = stored.alert();
        List<String> cancelled = new ArrayList<>();
        List<String> alreadyActive = new ArrayList<>();
        if (alert.status() == dev.quench.core.alert.AlertStatus.RESOLVED) {
            cancelled.addAll(AlertLifecycle.cancelQueuedRuns(store.runs(), transaction, alert, clock.instant()));
        }
        if (matched.isEmpty() && alert.status() == dev.quench.core.alert.AlertStatus.FIRING) {
            // The ledger's rule: a firing alert no runbook handles is handled by hand.
            afterCommit.add(() -> metrics.manualToil(alert.name(),
                    dev.quench.core.ledger.ToilLedger.DEFAULT_MINUTES_PER_MANUAL_ALERT));
        }
        java.util.Optional<String> incident = incidents.place(transaction, stored,
                matched.isEmpty() ? null : matched.get(0).owner());
        for (Runbook runbook : matched) {
            if (alert.status() == dev.quench.core.alert.AlertStatus.FIRING) {
                java.util.Optional<String> activeRun = AlertLifecycle.activeRun(store.runs(), transaction,
                        runbook.name(), alert);
                if (activeRun.isPresent()) {
                    alreadyActive.add(runbook.name() + " (run " + activeRun.get() + ")");
                    continue;
                }
            }
            RunRecord run = newRun(runbook, TriggerType.ALERT, describe(alert), stored.id(), Map.of(), false);
            store.runs().insertQueued(transaction, run, incident.orElse(null));
            dev.quench.core.guard.Admission decision = admission.admit(transaction, runbook, run, alert, false, "alert");
            if (decision.starts()) {
                created.add(run);
            } else if (decision instanceof dev.quench.core.guard.Admission.Refused refused && refused.queueFull()) {
                queueFull[0]++;
            }
        }
        afterCommit.add(() -> {
            if (!cancelled.isEmpty()) {
                LOG.info("alert {} resolved: cancelled its queued run(s) {}", describe(alert), cancelled);
            }
            if (!alreadyActive.isEmpty()) {
                LOG.info("alert {} fired again while {} still queued or running: no second run started",
                        describe(alert), alreadyActive);
            }
            if (matched.isEmpty()) {
                // Per alert at DEBUG only: in a storm of unmatched alerts an INFO line each would flood the log.
                LOG.debug("alert {} ({}) matched no runbook: counted as manual toil", describe(alert),
                        alert.status().wireName());
                unmatched.count();
            }
        });
        return matched.size();
    }

    /**
     * Starts {@code runbook} now, by hand.
     *
     * @param params  values for the runbook's params (site values from the config fill the rest)
     * @param alert   an alert to run against, or null
     * @param who     who asked, recorded with the run
     */
    public RunRecord startManual(Runbook runbook, Map<String, String> params, Alert alert, boolean dryRun, String who) {
        return startManual(runbook, params, alert, dryRun, who, false);
    }

    /** Like {@link #startManual(Runbook, Map, Alert, boolean, String)}; {@code force} bypasses the guards (recorded). */
    public RunRecord startManual(Runbook runbook, Map<String, String> params, Alert alert, boolean dryRun, String who,
                                 boolean force) {
        RunRecord run = newRun(runbook, TriggerType.MANUAL, "by " + who + (force ? " (force: guards bypassed)" : ""),
                null, params, dryRun);
        return admitAndSubmit(run, runbook, alert, force, who);
    }

    /** Inserts {@code run}, lets the guards decide, and starts it if they admit it; returns the run as recorded. */
    private RunRecord admitAndSubmit(RunRecord run, Runbook runbook, Alert alert, boolean force, String who) {
        admission.prepare(runbook);
        dev.quench.core.guard.Admission decision = store.inTransaction(transaction -> {
            store.runs().insertQueued(transaction, run);
            if (alert != null && run.alertId() == null) {
                // Not a received alert: kept with the run, for whichever node claims it (after approval, maybe).
                store.givenAlerts().keep(transaction, run.id(), alert);
            }
            return admission.admit(transaction, runbook, run, alert, force, who);
        });
        if (alert != null && run.alertId() == null
                && !(decision instanceof dev.quench.core.guard.Admission.Refused)) {
            // Spares this node a read when it claims the run itself.
            pump.remember(run.id(), alert);
        }
        if (!decision.starts()) {
            return store.runs().find(run.id()).orElse(run);
        }
        wake();
        return run;
    }

    /**
     * Plans {@code runbook} as a dry run, in this thread: every step rendered, plugins told it is a
     * dry run, recorded only in a scratch in-memory store that is dropped afterwards, so the
     * engine's history is untouched.
     *
     * @return the finished dry run with its steps
     * @throws IllegalArgumentException when the params do not fit the runbook
     */
    public RunRecord dryRun(Runbook runbook, Map<String, String> params, Alert alert, String who) {
        checkParams(runbook, params);
        // No DB_CLOSE_DELAY: the in-memory database disappears when the scratch store closes.
        try (Store scratch = Store.open("jdbc:h2:mem:quench-dry-run-" + UUID.randomUUID(), "sa", "");
             RunExecutor planner = executor.recordingTo(scratch.runs())) {
            RunRecord run = newRun(runbook, TriggerType.MANUAL, "dry run by " + who, null, params, true);
            scratch.runs().insertQueued(run);
            planner.execute(run, runbook, alert);
            RunRecord planned = scratch.runs().find(run.id()).orElseThrow();
            return admission.errorBudgetPreview(runbook, alert, planned.params())
                    .map(note -> dev.quench.core.guard.RunAdmission.noted(planned, note)).orElse(planned);
        }
    }

    /**
     * Checks {@code params} (with the site's params for the runbook) against the runbook's declared
     * params, so a manual start can be refused before anything is recorded.
     *
     * @throws IllegalArgumentException naming the param that does not fit and why
     */
    public void checkParams(Runbook runbook, Map<String, String> params) {
        Map<String, String> values = new java.util.LinkedHashMap<>(siteParams.apply(runbook.name()));
        values.putAll(params);
        runbook.resolveParams(values);
    }

    /**
     * Starts {@code runbook} for a schedule fire (see {@code dev.quench.core.schedule}).
     *
     * @param detail the schedule, scheduled and actual fire time and lateness, recorded with the run
     */
    public RunRecord startScheduled(Runbook runbook, String detail) {
        RunRecord run = newRun(runbook, TriggerType.SCHEDULE, detail, null, Map.of(), false);
        return admitAndSubmit(run, runbook, null, false, "schedule");
    }

    /**
     * A scheduled run to start: the runbook, its trigger detail, and the fire time it is for (at most one
     * run per runbook and fire time, whichever node the fire reaches).
     */
    public record ScheduledStart(Runbook runbook, String detail, Instant scheduledAt) {
    }

    /**
     * Starts many scheduled runs, recorded in one transaction: a schedule group of 1,000 runbooks
     * firing together is queued in one round trip instead of 1,000 commits. A fire that already made a
     * run of a runbook (Quartz fired it on another node too) makes none here.
     *
     * @return the runs made, in the order given
     */
    public List<RunRecord> startScheduled(List<ScheduledStart> starts) {
        List<RunRecord> created = new ArrayList<>(starts.size());
        for (ScheduledStart start : starts) {
            created.add(newRun(start.runbook(), TriggerType.SCHEDULE, start.detail(), null, Map.of(), false));
        }
        List<RunRecord> recorded = new ArrayList<>(created.size());
        store.useTransaction(transaction -> {
            recorded.clear();
            for (int index = 0; index < created.size(); index++) {
                RunRecord run = created.get(index);
                ScheduledStart start = starts.get(index);
                if (!store.schedules().claimFire(transaction, run.runbook(), start.scheduledAt(), run.id())) {
                    LOG.info("schedule fire of {} at {} already made a run (on this node or another); not run twice",
                            run.runbook(), start.scheduledAt());
                    continue;
                }
                store.runs().insertQueued(transaction, run);
                recorded.add(admission.queueFull(transaction, run)
                        .map(refused -> withStatus(run, RunStatus.REFUSED, refused.reason())).orElse(run));
            }
        });
        wake();
        return recorded;
    }

    /** Records a schedule fire that was not run (an overlap), as a cancelled run saying {@code reason}. */
    public RunRecord recordSkippedSchedule(Runbook runbook, String detail, String reason) {
        RunRecord run = newRun(runbook, TriggerType.SCHEDULE, detail, null, Map.of(), false);
        // One transaction: no node may claim it in between as an ordinary queued run.
        store.useTransaction(transaction -> {
            store.runs().insertQueued(transaction, run);
            store.runs().finishUnstarted(transaction, run.id(), RunStatus.CANCELLED, reason, clock.instant());
        });
        return run;
    }

    private RunRecord newRun(Runbook runbook, TriggerType trigger, String detail, Long alertId,
                             Map<String, String> params, boolean dryRun) {
        Map<String, String> values = new java.util.LinkedHashMap<>(siteParams.apply(runbook.name()));
        values.putAll(params);
        Map<String, Object> resolved;
        String problem = null;
        try {
            resolved = runbook.resolveParams(values);
        } catch (IllegalArgumentException e) {
            resolved = Map.copyOf(values);
            problem = e.getMessage();
        }
        RunRecord run = new RunRecord(UUID.randomUUID().toString(), runbook.name(), runbook.owner(), trigger, detail,
                alertId, RunStatus.QUEUED, dryRun, resolved, runbook.manualMinutes(), 0, problem, clock.instant(),
                null, null, List.of());
        return run;
    }

    /**
     * The alert {@code run} will run against (the alert a manual start was given, kept until the run starts on
     * this engine, or the stored alert that started it), if any: what a plan of a waiting run renders against.
     */
    public java.util.Optional<Alert> alertOf(RunRecord run) {
        return pump.alertOf(run);
    }

    /** The kill switch the dispatcher obeys. */
    public dev.quench.core.guard.KillSwitch killSwitch() {
        return killSwitch;
    }

    /** Approvals and cancellations of runs. */
    public dev.quench.core.guard.RunControl runControl() {
        return runControl;
    }

    /** The runbooks' circuit breakers ({@code guards.breaker}): their state, and resetting them. */
    public dev.quench.core.guard.CircuitBreaker breakers() {
        return admission.breakers();
    }

    /** Starts a queued run (just approved, or held while paused) when its turn comes. */
    public void startQueued(String runId) {
        wake();
    }

    /**
     * Cancels a run by {@code who} because {@code why}, whatever it is doing: a queued or waiting run never
     * starts; a running run stops its current step, runs its finally steps and ends cancelled (at once on
     * this node, at its node's next heartbeat on another). The one implementation behind the API's and the
     * console's cancel; the decision is recorded.
     */
    public dev.quench.core.guard.RunControl.Outcome cancel(String runId, String who, String why) {
        dev.quench.core.guard.RunControl.Outcome outcome = runControl.cancel(runId, who, why);
        if (outcome instanceof dev.quench.core.guard.RunControl.Outcome.Conflict
                && cancelRunning(runId, dev.quench.core.guard.RunControl.cancelledBy(who, why) + " while it ran")) {
            runControl.recordRunningCancel(runId, who, why);
            return new dev.quench.core.guard.RunControl.Outcome.Done(store.runs().find(runId).orElseThrow());
        }
        return outcome;
    }

    /**
     * Cancels a running run: at once when it executes on this node (its current step is stopped), else by
     * a request its node carries out at its next heartbeat (cluster mode).
     *
     * @return false if the run is not running on any node
     */
    public boolean cancelRunning(String runId, String why) {
        return executor.cancel(runId, why)
                || store.cancelRequests().request(runId, executor.nodeId(), why, clock.instant());
    }

    /**
     * Cancels every running run (after {@code pause} with cancelRunning): those executing here at once,
     * those on other nodes at those nodes' next heartbeat. Each stops its current step, runs its finally
     * steps and ends cancelled with {@code why}.
     *
     * @return the ids of the runs cancelled or asked to stop
     */
    public List<String> cancelAllRunning(String why) {
        List<String> cancelled = new ArrayList<>(executor.cancelAll(why));
        cancelled.addAll(store.cancelRequests().requestAllElsewhere(executor.nodeId(), why, clock.instant()));
        return cancelled;
    }

    /** Starts the queued runs (after {@code resume}), oldest first, as slots free up. */
    public void startQueuedRuns() {
        wake();
    }

    private static RunRecord withStatus(RunRecord run, RunStatus status, String message) {
        return new RunRecord(run.id(), run.runbook(), run.owner(), run.triggerType(), run.triggerDetail(), run.alertId(),
                status, run.dryRun(), run.params(), run.manualMinutes(), run.toilSavedMinutes(), message,
                run.createdAt(), run.startedAt(), run.finishedAt(), run.steps());
    }

    /** Asks the pump to start queued runs: a run was queued, approved or resumed. */
    private void wake() {
        pump.wake();
    }

    /** True when no alert is being matched and no run is executing. */
    public boolean idle() {
        return active.get() == 0 && pump.idle();
    }

    /** Waits until {@link #idle()} or the deadline; returns whether it became idle. */
    public boolean awaitIdle(Instant deadline) throws InterruptedException {
        while (!idle()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    static String describe(Alert alert) {
        String instance = alert.labels().get("instance");
        return alert.name() + (instance == null ? "" : " " + instance) + " [" + alert.fingerprint() + "]";
    }

    /**
     * From now on no run starts on this engine: queued runs stay queued (rows) for the next start.
     * Called first thing when the engine stops, before the HTTP server and the scheduler close.
     */
    public void stopStarting() {
        pump.stopStarting();
    }

    /**
     * Stops: no run starts any more; alerts being matched are finished; running runs get
     * {@code executor.shutdownGrace} to finish, then are cancelled as interrupted by shutdown (their
     * {@code finally} steps still run).
     */
    @Override
    public void close() throws InterruptedException {
        pump.stopStarting();
        dispatcher.shutdown();
        dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        pump.close();
    }
}
