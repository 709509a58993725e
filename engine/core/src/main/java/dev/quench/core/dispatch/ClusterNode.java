package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.CancelRequestRepository;
import dev.quench.core.store.ExpiredLease;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This engine as a node of a cluster sharing one store: it registers itself, and every
 * {@code cluster.heartbeat} renews the leases of the runs it executes, stops runs another node took
 * from it (fenced), and takes over the runs of nodes whose leases lapsed: a run that had not started
 * a step is queued again; a run that was inside a step is not run again blindly: its {@code onFailure}
 * and {@code finally} steps run here, it is recorded {@code interrupted} with the step it was in, and
 * only a {@code resumable: true} runbook gets a new run. On one node (H2) the same code recovers the
 * runs a crash left running. Thread-safe.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    /** Runs taken over per heartbeat, so one tick stays short however many runs a dead node held. */
    private static final int TAKEOVER_BATCH = 100;

    /**
     * How long a node that stopped renewing stays listed in {@code GET /api/v1/nodes} (once its runs were
     * taken over): long enough to see that it died, short enough that restarts (a new id each) do not pile up.
     */
    static final Duration FORGET_SILENT_NODES_AFTER = Duration.ofHours(1);

    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunExecutor executor;
    private final RunDispatcher dispatcher;
    private final ClusterSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("quench-heartbeat").daemon(true).factory());
    private final ExecutorService cleanups = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quench-takeover-", 0).factory());
    /** Confined to the heartbeat thread: whether the last heartbeat failed (logged once per outage). */
    private boolean failing;

    private ClusterNode(Store store, RunbookRegistry runbooks, RunExecutor executor, RunDispatcher dispatcher,
                        ClusterSettings settings, Clock clock) {
        this.store = store;
        this.runbooks = runbooks;
        this.executor = executor;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Registers this node, handles the runs a previous life of it left running (all running runs on
     * H2, where only one node can use the store), and starts the heartbeat.
     *
     * @param address where this node serves HTTP, shown in {@code GET /api/v1/nodes}
     */
    public static ClusterNode start(Store store, RunbookRegistry runbooks, RunExecutor executor,
                                    RunDispatcher dispatcher, ClusterSettings settings, String address, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        if (!executor.nodeId().equals(settings.nodeId())) {
            throw new IllegalArgumentException("the executor runs as node " + executor.nodeId() + ", not "
                    + settings.nodeId());
        }
        ClusterNode node = new ClusterNode(Objects.requireNonNull(store, "store"),
                Objects.requireNonNull(runbooks, "runbooks"), executor, Objects.requireNonNull(dispatcher, "dispatcher"),
                settings, Objects.requireNonNull(clock, "clock"));
        store.nodes().register(settings.nodeId(), address, clock.instant());
        // On H2 only one engine can open the store: every run left running is from this engine's last life.
        List<ExpiredLease> left = store.isPostgres() ? store.runs().leasesOf(settings.nodeId())
                : store.runs().runningLeases();
        for (ExpiredLease lease : left) {
            node.takeOver(lease, "the engine stopped while this run was running");
        }
        long period = settings.heartbeat().toMillis();
        node.ticks.scheduleWithFixedDelay(node::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.info("cluster node {}: lease {}, heartbeat every {}", settings.nodeId(),
                Durations.format(settings.leaseDuration()), Durations.format(settings.heartbeat()));
        return node;
    }

    /** Records where this node serves HTTP, once its server listens (port 0 picks one at start). */
    public void serving(String address) {
        store.nodes().register(settings.nodeId(), address, clock.instant());
    }

    /** This node's id. */
    public String nodeId() {
        return settings.nodeId();
    }

    /** One heartbeat: renew, fence, take over. Never throws (the scheduler would stop calling it). */
    void tick() {
        try {
            Instant now = clock.instant();
            List<String> executing = executor.executingRuns();
            Set<String> held = new HashSet<>(store.nodes().heartbeat(settings.nodeId(), now,
                    now.plus(settings.leaseDuration()), executing));
            if (failing) {
                LOG.info("cluster node {}: heartbeat renewed again", settings.nodeId());
                failing = false;
            }
            for (String runId : executing) {
                if (!held.contains(runId) && executor.cancel(runId, "stopped on node " + settings.nodeId()
                        + ": its lease on the run lapsed and another node took the run over")) {
                    LOG.warn("run {}: node {} no longer holds its lease (it lapsed, and another node took the run "
                            + "over); stopped it here, and nothing more is recorded from this node", runId,
                            settings.nodeId());
                }
            }
            for (CancelRequestRepository.CancelRequest request : store.cancelRequests().forNode(settings.nodeId())) {
                // A run claimed here but not executing yet keeps its request for the next heartbeat.
                if (executor.cancel(request.runId(), request.reason())) {
                    LOG.info("run {}: cancelled here at the request another node recorded", request.runId());
                    store.cancelRequests().done(request.runId());
                }
            }
            store.cancelRequests().forgetEnded();
            for (ExpiredLease lease : store.runs().expiredLeases(clock.instant(), TAKEOVER_BATCH)) {
                takeOver(lease, "node " + lease.owner() + " stopped renewing its lease (it died or lost the store) "
                        + "at " + lease.expiredAt());
            }
            int forgotten = store.nodes().forgetSilent(now.minus(FORGET_SILENT_NODES_AFTER));
            if (forgotten > 0) {
                LOG.info("cluster node {}: forgot {} node(s) silent for more than {}", settings.nodeId(), forgotten,
                        Durations.format(FORGET_SILENT_NODES_AFTER));
            }
            dispatcher.retryUnprocessed();
            // Queued runs another node queued, or that waited out an outage: the pump looks without an event.
            dispatcher.startQueuedRuns();
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.error("cluster node {}: heartbeat failed; runs executing here keep going, and their leases lapse "
                        + "after {} unless a heartbeat gets through: {}", settings.nodeId(),
                        Durations.format(settings.leaseDuration()), e.toString());
                failing = true;
            }
        }
    }

    /** Takes one run whose holder is gone: queued again, or interrupted with its cleanup run here. */
    private void takeOver(ExpiredLease lease, String why) {
        if (lease.currentStep().isEmpty()) {
            if (store.runs().requeue(lease)) {
                LOG.warn("run {}: {}; it had not started a step, so it is queued again", lease.runId(), why);
                dispatcher.startQueuedRuns();
            }
            return;
        }
        Instant now = clock.instant();
        Optional<RunLease> taken = store.runs().takeOver(lease, settings.nodeId(), now.plus(settings.leaseDuration()));
        if (taken.isEmpty()) {
            return; // another node was first, or the run ended
        }
        String step = lease.currentStep().get();
        String message = "interrupted in step '" + step + "': " + why + "; its steps are not repeated";
        LOG.warn("run {}: {}; taken over by node {}, which runs its onFailure and finally steps", lease.runId(),
                message, settings.nodeId());
        cleanups.execute(() -> finishInterrupted(taken.get(), step, message));
    }

    private void finishInterrupted(RunLease lease, String step, String message) {
        try {
            RunRecord run = store.runs().find(lease.runId()).orElseThrow();
            Optional<Runbook> runbook = runbooks.find(run.runbook());
            if (runbook.isEmpty()) {
                executor.failClaimed(lease, message + "; runbook '" + run.runbook() + "' is not loaded on node "
                        + settings.nodeId() + ", so its onFailure and finally steps did not run");
                return;
            }
            Alert alert = RunQueuePump.alertOf(store, run);
            String why = runbook.get().resumable() ? message + "; resumable: true, so a new run starts it again"
                    : message + " (the runbook is not resumable: true); check the target";
            RunStatus status = executor.executeInterrupted(lease, run, runbook.get(), alert, step, why);
            if (status == RunStatus.INTERRUPTED && runbook.get().resumable()) {
                RunRecord again = new RunRecord(UUID.randomUUID().toString(), run.runbook(), run.owner(),
                        run.triggerType(), "resumed: run " + run.id() + " was interrupted in step '" + step + "'; "
                        + run.triggerDetail(), run.alertId(), RunStatus.QUEUED, run.dryRun(), run.params(),
                        run.manualMinutes(), 0, null, clock.instant(), null, null, List.of());
                store.runs().insertQueued(again);
                LOG.info("run {} of {} is resumable: started it again as run {}", run.id(), run.runbook(), again.id());
                dispatcher.startQueuedRuns();
            }
        } catch (RuntimeException e) {
            LOG.error("run {}: taking it over failed; its lease lapses again and another heartbeat retries", lease.runId(),
                    e);
            executor.forget(lease.runId());
        }
    }

    /** Stops the heartbeat; the leases of runs still executing lapse unless they end first. */
    @Override
    public void close() throws InterruptedException {
        ticks.shutdownNow();
        ticks.awaitTermination(10, TimeUnit.SECONDS);
        cleanups.shutdown();
        if (!cleanups.awaitTermination(60, TimeUnit.SECONDS)) {
            LOG.warn("stopping: onFailure/finally steps of taken-over runs were still running after 60 s; their "
                    + "leases lapse and another node finishes them");
            cleanups.shutdownNow();
        }
        try {
            // Stopped cleanly: no row left behind, unless runs still held here must be taken over (then it goes
            // an hour after its last heartbeat, like a dead node's).
            store.nodes().remove(settings.nodeId());
        } catch (RuntimeException e) {
            LOG.warn("stopping: could not remove node {} from the store's node list ({}); another node forgets it "
                    + "{} after its last heartbeat", settings.nodeId(), e.toString(), Durations.format(FORGET_SILENT_NODES_AFTER));
        }
    }
}
