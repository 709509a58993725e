package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.exec.RunExecutor;
import dev.quench.core.guard.KillSwitch;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.ClaimedRun;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredAlert;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued runs. A queued run is a row, nothing more: when woken (a run was queued, approved
 * or resumed, or a running one ended) the pump claims the oldest queued runs, by creation time,
 * for this node under a lease, until {@code maxConcurrentRuns} execute here, and runs each on a
 * virtual thread of its own; it also looks every 15 seconds unwoken. Every look-up is a short statement of its own, so the pump holds no
 * pooled connection while it waits (for the first runbook load, or for a slot). Once stopping, no
 * run starts; {@link #close()} gives the running ones a grace, then cancels them. Thread-safe.
 */
final class RunQueuePump implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunQueuePump.class);

    /**
     * How often the pump looks at the queue without being woken: it picks up runs that another engine
     * sharing the store queued, approved or resumed, and retries after a failed look.
     */
    private static final Duration POLL = Duration.ofSeconds(15);

    /** How long cancelled runs get to run their finally steps before the engine stops without them. */
    private static final Duration CLEANUP_LIMIT = Duration.ofSeconds(60);

    private final Store store;
    private final RunbookRegistry runbooks;
    private final RunExecutor executor;
    private final KillSwitch killSwitch;
    private final int maxConcurrentRuns;
    private final Duration shutdownGrace;
    private final Clock clock;
    private final ExecutorService runThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quench-run-", 0).factory());
    /** Runs executing on this engine (each holds a slot). */
    private final AtomicInteger running = new AtomicInteger();
    /** Wake-ups not yet handled plus runs executing: zero when the pump has nothing to do. */
    private final AtomicInteger work = new AtomicInteger();
    /** Held while a run is claimed, so that once {@link #stopStarting()} returns no run starts. */
    private final Object startLock = new Object();
    private volatile boolean stopping;
    private final Object wakeLock = new Object();
    /** Guarded by wakeLock: the pump has been asked to look at the queue again. */
    private boolean wakeRequested;
    private final Thread thread;
    /**
     * Alerts given with a manual run (POST /api/v1/runs {"alert": ...}), which are not in the alert table,
     * by run id, until the run starts. Bounded by the queue; an entry of a run cancelled while queued
     * stays until the engine stops (a few objects), and a restart forgets them, as it always has.
     */
    private final java.util.Map<String, Alert> givenAlerts = new java.util.concurrent.ConcurrentHashMap<>();

    RunQueuePump(Store store, RunbookRegistry runbooks, RunExecutor executor, KillSwitch killSwitch,
                 int maxConcurrentRuns, Duration shutdownGrace, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        this.maxConcurrentRuns = maxConcurrentRuns;
        this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = Thread.ofPlatform().name("quench-queue-pump").daemon(true).start(this::loop);
    }

    /** Asks the pump to look at the queue: a run was queued, approved or resumed, or a slot came free. */
    void wake() {
        synchronized (wakeLock) {
            if (!wakeRequested) {
                wakeRequested = true;
                // Counted as work until the pump has looked, so idle() never sees a gap.
                work.incrementAndGet();
            }
            wakeLock.notifyAll();
        }
    }

    /** Keeps the alert a manual run was given, for when it starts (call before {@link #wake()}). */
    void remember(String runId, Alert alert) {
        givenAlerts.put(runId, alert);
    }

    /**
     * The alert {@code run} runs against: the one its manual start was given (held here until it starts, and
     * kept in the store for any node), else the stored alert that started it, else none.
     */
    Optional<Alert> alertOf(RunRecord run) {
        Alert given = givenAlerts.get(run.id());
        return given != null ? Optional.of(given) : Optional.ofNullable(alertOf(store, run));
    }

    /** True when no wake-up waits and no run executes. */
    boolean idle() {
        return work.get() == 0;
    }

    /** From now on no run starts here; queued runs stay queued (rows) for the next start. */
    void stopStarting() {
        synchronized (startLock) {
            stopping = true;
        }
        synchronized (wakeLock) {
            wakeLock.notifyAll();
        }
    }

    private void loop() {
        while (true) {
            boolean requested;
            synchronized (wakeLock) {
                if (!wakeRequested && !stopping) {
                    try {
                        wakeLock.wait(POLL.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    if (wakeRequested) {
                        wakeRequested = false;
                        work.decrementAndGet();
                    }
                    return;
                }
                requested = wakeRequested;
                wakeRequested = false;
            }
            try {
                startQueuedRuns(requested);
            } catch (RuntimeException e) {
                LOG.error("starting queued runs failed; they stay queued and are tried again within {}",
                        Durations.format(POLL), e);
            } finally {
                if (requested) {
                    work.decrementAndGet();
                }
            }
        }
    }

    /**
     * Starts the oldest queued runs while slots are free: claims them for this node in one transaction
     * (on PostgreSQL with {@code FOR UPDATE SKIP LOCKED}, so nodes sharing the queue take different runs).
     *
     * @param requested woken by an event here, not by the poll (only then is a pause worth a log line)
     */
    private void startQueuedRuns(boolean requested) {
        while (!stopping && running.get() < maxConcurrentRuns) {
            if (killSwitch.paused()) {
                if (requested) {
                    LOG.info("queued runs stay queued: Quench is paused ('quench resume' starts them, oldest first)");
                }
                return;
            }
            int free = maxConcurrentRuns - running.get();
            List<ClaimedRun> claimed;
            synchronized (startLock) {
                if (stopping) {
                    return;
                }
                claimed = executor.claimQueued(free);
                // Counted before anything can fail below: each lease is executed or ended exactly once.
                running.addAndGet(claimed.size());
                work.addAndGet(claimed.size());
            }
            for (ClaimedRun run : claimed) {
                start(run);
            }
            if (claimed.size() < free) {
                return;
            }
        }
    }

    /** The alert {@code run} runs against: the received alert it was started by, or the one given to it by hand. */
    static Alert alertOf(Store store, RunRecord run) {
        return run.alertId() != null ? store.alerts().find(run.alertId()).map(StoredAlert::alert).orElse(null)
                : store.givenAlerts().find(run.id()).orElse(null);
    }

    /** Starts a claimed run on a thread of its own, or ends it failed when it cannot start. */
    private void start(ClaimedRun claimed) {
        RunLease lease = claimed.lease();
        try {
            RunRecord run = claimed.run();
            Alert given = givenAlerts.remove(run.id());
            Alert alert = given != null ? given : run.alertId() != null ? claimed.alert().map(StoredAlert::alert).orElse(null)
                    : store.givenAlerts().find(run.id()).orElse(null);
            if (!run.message().isEmpty()) {
                // The params did not resolve: record why instead of running half-configured.
                executor.failClaimed(lease, "invalid params: " + run.message());
                released();
                return;
            }
            Runbook runbook = runbooks.find(run.runbook()).orElse(null);
            if (runbook == null) {
                executor.failClaimed(lease, "runbook '" + run.runbook() + "' is no longer loaded; the run was not started");
                released();
                return;
            }
            runThreads.execute(() -> {
                try {
                    executor.executeClaimed(lease, run, runbook, alert);
                } catch (RuntimeException e) {
                    LOG.error("run {} failed in the engine", run.id(), e);
                } finally {
                    released();
                }
            });
        } catch (RuntimeException e) {
            // Still leased to this node: the lease lapses (this node stops renewing it, as it is not executing)
            // and the run is queued again by whichever node sees it first.
            LOG.error("run {} was claimed but could not start here; it is queued again once its lease lapses",
                    lease.runId(), e);
            executor.forget(lease.runId());
            released();
        }
    }

    /** A claimed run ended (or never started): its slot is free. */
    private void released() {
        running.decrementAndGet();
        if (!stopping) {
            wake(); // before the decrement below: idle() must not see a gap
        }
        work.decrementAndGet();
    }

    /**
     * Stops: no run starts any more; running runs get {@code executor.shutdownGrace} to finish, then
     * are cancelled as interrupted by shutdown (their finally steps run, each under its own timeout,
     * for at most a minute more).
     */
    @Override
    public void close() throws InterruptedException {
        stopStarting();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        if (!awaitNoneRunning(Instant.now().plus(shutdownGrace))) {
            String grace = Durations.format(shutdownGrace);
            List<String> cancelled = executor.cancelAll("interrupted by shutdown: Quench stopped and waited " + grace
                    + " (executor.shutdownGrace) for this run, then cancelled it; its finally steps ran. It is not "
                    + "repeated: check the target");
            LOG.warn("stopping: {} run(s) still running after the {} grace (executor.shutdownGrace) were cancelled; "
                    + "their finally steps run now: {}", cancelled.size(), grace, cancelled);
            if (!awaitNoneRunning(Instant.now().plus(CLEANUP_LIMIT))) {
                LOG.warn("stopping: the finally steps of {} run(s) did not end within {}; stopping without them "
                        + "(the next start records those runs as failed)", running.get(), Durations.format(CLEANUP_LIMIT));
            }
        }
        runThreads.shutdownNow();
    }

    private boolean awaitNoneRunning(Instant deadline) throws InterruptedException {
        while (running.get() > 0) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
