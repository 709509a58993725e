package dev.quench.core.exec;

import dev.quench.api.CappedText;
import dev.quench.api.RecordingOutput;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.alert.Alert;
import dev.quench.core.config.RunbookEnvironment;
import dev.quench.core.events.EventLimits;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.events.RunEventType;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.plugin.StepConfigMapper;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookBody;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.store.ClaimedRun;
import dev.quench.core.store.LeaseLostException;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunRepository;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the steps of one run in order, off the event loop: checks each step's {@code when},
 * renders its inputs, runs its plugin under the step's timeout and retry policy, computes its
 * outputs, records every step (skipped ones too), and stops at the first failure that
 * {@code continueOnError} does not allow; after steps that succeeded, checks each {@code verify} step
 * until it passes or its deadline (one that never passes fails the run as not recovered); then runs
 * {@code onFailure} and {@code finally} steps.
 * Thread-safe: runs execute concurrently, each on its own virtual thread.
 */
public final class RunExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

    /** How long a plugin gets past its deadline to return after being cancelled. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    private final PluginRegistry plugins;
    private final RunRepository runs;
    private final int outputLimit;
    private final RunbookEnvironment environment;
    private final Clock clock;
    private final StepRetry.Sleeper retryWait;
    private final RunEventBus events;
    private final EngineMetrics metrics;
    private final RunRecorder recorder;
    private final ExecutorService stepThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quench-step-", 0).factory());
    private final RunCancellations cancellations = new RunCancellations();
    /** The node this executor runs on: runs it claims are leased to it. */
    private final String nodeId;
    /** How long a lease lasts without renewal (the node's heartbeat renews it). */
    private final Duration leaseDuration;

    /** The node id of an executor outside a cluster (a local run, a runbook test): nobody takes its runs over. */
    public static final String LOCAL_NODE = "local";
    /** Lease of a local executor: there is no heartbeat, and no other node to take its runs. */
    private static final Duration LOCAL_LEASE = Duration.ofDays(1);

    /** The step plugins this executor runs (the guards read error budgets through them too). */
    public PluginRegistry plugins() {
        return plugins;
    }

    /**
     * An executor.
     *
     * @param environment what runbooks may read from outside ({@code env.*}, {@code secrets.*})
     */
    public RunExecutor(PluginRegistry plugins, RunRepository runs, int outputLimit, RunbookEnvironment environment,
                       Clock clock) {
        this(plugins, runs, outputLimit, environment, clock, Thread::sleep, LOCAL_NODE, LOCAL_LEASE,
                new RunEventBus(EventLimits.DEFAULTS, clock), EngineMetrics.discarding());
    }

    /**
     * An executor of a cluster node: the runs it claims are leased to {@code nodeId} for
     * {@code leaseDuration} at a time (the node's heartbeat renews the leases); it publishes its runs' live
     * events to {@code events} and reports each run and step that ends to {@code metrics} (dry runs are not
     * reported).
     */
    public RunExecutor(PluginRegistry plugins, RunRepository runs, int outputLimit, RunbookEnvironment environment,
                       Clock clock, String nodeId, Duration leaseDuration, RunEventBus events, EngineMetrics metrics) {
        this(plugins, runs, outputLimit, environment, clock, Thread::sleep, nodeId, leaseDuration, events, metrics);
    }

    private RunExecutor(PluginRegistry plugins, RunRepository runs, int outputLimit, RunbookEnvironment environment,
                        Clock clock, StepRetry.Sleeper retryWait, String nodeId, Duration leaseDuration,
                        RunEventBus events, EngineMetrics metrics) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.leaseDuration = Objects.requireNonNull(leaseDuration, "leaseDuration");
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.outputLimit = outputLimit;
        this.environment = Objects.requireNonNull(environment, "environment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryWait = retryWait;
        this.events = Objects.requireNonNull(events, "events");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.recorder = new RunRecorder(this.runs, this.events);
    }

    /**
     * An executor like this one whose retries follow each other without the configured delay:
     * runbook tests check what is retried and how often, not the waiting. Close it after use.
     */
    public RunExecutor withoutRetryDelays() {
        return new RunExecutor(plugins, runs, outputLimit, environment, clock, NO_WAIT, nodeId, leaseDuration,
                events, metrics);
    }

    /** The waits of an executor {@link #withoutRetryDelays()}: none (verify checks follow each other too). */
    private static final StepRetry.Sleeper NO_WAIT = delay -> { };

    /**
     * An executor with the same plugins, environment and clock that records into {@code otherRuns}:
     * a dry run through the API records into a scratch store, so it leaves nothing behind, and publishes
     * no live events. Close it after use.
     */
    public RunExecutor recordingTo(RunRepository otherRuns) {
        return new RunExecutor(plugins, otherRuns, outputLimit, environment, clock, retryWait, nodeId, leaseDuration,
                new RunEventBus(events.limits(), clock), metrics);
    }

    /**
     * Runs {@code run} (already recorded as queued) to the end and records the outcome: the steps in
     * order until one fails (unless it may: {@code continueOnError}), then the {@code onFailure}
     * steps if one did, then the {@code finally} steps in every case.
     *
     * @return the final status
     */
    public RunStatus execute(RunRecord run, Runbook runbook, Alert alert) {
        return execute(run, runbook, alert, environment);
    }

    /** As {@link #execute(RunRecord, Runbook, Alert)}, with other env values and secrets: runbook tests bring canned ones. */
    public RunStatus execute(RunRecord run, Runbook runbook, Alert alert, RunbookEnvironment environment) {
        Optional<RunLease> lease = claim(run);
        if (lease.isEmpty()) {
            LOG.info("run {} of {} was no longer queued when its turn came; not started", run.id(), runbook.name());
            return runs.find(run.id()).map(RunRecord::status).orElse(RunStatus.CANCELLED);
        }
        return executeClaimed(lease.get(), run, runbook, alert, environment);
    }

    /**
     * Moves {@code run} from queued to running, atomically, leased to this executor's node, and makes it
     * cancellable here; empty (and nothing changed) when it is no longer queued: cancelled (the alert
     * resolved, or by hand), or claimed by another node. After a lease, call {@link #executeClaimed}
     * exactly once.
     */
    public Optional<RunLease> claim(RunRecord run) {
        // Cancellable before it is marked running: a cancel that sees it running must find it here.
        cancellations.start(run.id());
        Instant now = clock.instant();
        Optional<RunLease> lease = runs.claim(run.id(), nodeId, now, now.plus(leaseDuration));
        if (lease.isEmpty()) {
            cancellations.end(run.id());
        }
        return lease;
    }

    /**
     * Claims up to {@code limit} queued runs for this node, oldest first, and makes each cancellable
     * here; call {@link #executeClaimed} exactly once for each lease.
     */
    public List<ClaimedRun> claimQueued(int limit) {
        Instant now = clock.instant();
        List<ClaimedRun> claimed = runs.claimQueuedRuns(nodeId, limit, now, now.plus(leaseDuration));
        claimed.forEach(run -> cancellations.start(run.lease().runId()));
        return claimed;
    }

    /** The ids of the runs executing here now (claimed and not yet ended): the leases the heartbeat renews. */
    public List<String> executingRuns() {
        return cancellations.ids();
    }

    /**
     * Forgets a claimed run that will not execute here (it could not start): its lease is no longer
     * renewed, so once it lapses another node, or this one, takes it over.
     */
    public void forget(String runId) {
        cancellations.end(runId);
    }

    /** The node id runs executed here are leased to. */
    public String nodeId() {
        return nodeId;
    }

    /** How long a lease of this executor lasts without renewal. */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** Runs a run claimed under {@code lease} to the end, like {@link #execute(RunRecord, Runbook, Alert)}. */
    public RunStatus executeClaimed(RunLease lease, RunRecord run, Runbook runbook, Alert alert) {
        return executeClaimed(lease, run, runbook, alert, environment);
    }

    /**
     * Ends a claimed run that cannot start (its params do not resolve, its runbook is not loaded) as
     * failed with {@code message}, without running a step.
     */
    public void failClaimed(RunLease lease, String message) {
        cancellations.end(lease.runId());
        try {
            runs.finish(lease, RunStatus.FAILED, message, 0, clock.instant());
        } catch (LeaseLostException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    /**
     * Finishes a run taken over from a node that died while the run was inside step {@code step}: the
     * run's {@code onFailure} and {@code finally} steps run here (they read {@code run.failedStep} and
     * {@code run.error}), numbered after the steps already recorded, and the run ends
     * {@link RunStatus#INTERRUPTED} with {@code why}. Its steps are not run again.
     *
     * @return the final status: interrupted, or cancelled when cancelled here meanwhile
     */
    public RunStatus executeInterrupted(RunLease lease, RunRecord run, Runbook runbook, Alert alert, String step,
                                        String why) {
        cancellations.start(run.id());
        RunState state = new RunState(run, lease, runs.lastStepSeq(run.id()), runbook.name(), alert, environment);
        events.publish(run.id(), runbook.name(), RunEventType.STATUS, Map.of("status", RunStatus.RUNNING.wireName()));
        List<String> messages = new ArrayList<>();
        messages.add(why);
        state.noteFailure(step, why);
        try (RunScopedResources resources = new RunScopedResources(run.id())) {
            runSection(state, runbook, runbook.onFailure(), resources, false)
                    .ifPresent(escalation -> messages.add("onFailure " + escalation.describe("the onFailure steps "
                            + "after it were not run")));
            if (runbook.body().flatMap(RunbookBody::onFailureBody).isPresent()) {
                runBodySection(state, runbook, runbook.body().get().onFailureBody().get(), "onFailure", resources,
                        messages, false);
            }
            runSection(state, runbook, runbook.finallySteps(), resources, true)
                    .ifPresent(cleanup -> messages.add("finally " + cleanup.describe("the finally steps after it "
                            + "were not run")));
            if (runbook.body().flatMap(RunbookBody::finallyBody).isPresent()) {
                runBodySection(state, runbook, runbook.body().get().finallyBody().get(), "always", resources,
                        messages, true);
            }
        } catch (LeaseLostException e) {
            cancellations.end(run.id());
            LOG.warn("{}", e.getMessage());
            return RunStatus.INTERRUPTED;
        } catch (RuntimeException e) {
            LOG.error("run {} of {}: its onFailure/finally steps after the interruption stopped by an engine error",
                    run.id(), runbook.name(), e);
            messages.add("engine error: " + e.getMessage());
        }
        RunStatus status = RunStatus.INTERRUPTED;
        Optional<String> cancelled = cancellations.end(run.id());
        if (cancelled.isPresent()) {
            status = RunStatus.CANCELLED;
            messages.addFirst(cancelled.get());
        }
        String message = state.redaction().scrub(String.join("; ", messages));
        try {
            recorder.runEnded(state, status, message, 0, clock.instant());
        } catch (LeaseLostException e) {
            LOG.warn("{}", e.getMessage());
            return status;
        }
        events.publish(run.id(), runbook.name(), RunEventType.END, Map.of("status", status.wireName(), "message", message));
        // Its duration spans two nodes and a lapsed lease: counted, not timed.
        metrics.runFinished(runbook.name(), run.triggerType() == null ? "manual" : run.triggerType().wireName(),
                status.wireName(), EngineMetrics.VERIFY_NONE, Optional.empty());
        LOG.warn("run {} of {} {}: {}", run.id(), runbook.name(), status.wireName(), message);
        return status;
    }

    /** Every line logged while the run executes carries its id and runbook (and the step: {@link RunLogContext}). */
    private RunStatus executeClaimed(RunLease lease, RunRecord run, Runbook runbook, Alert alert,
                                     RunbookEnvironment environment) {
        try (RunLogContext ignored = RunLogContext.run(run.id(), runbook.name())) {
            return runToEnd(lease, run, runbook, alert, environment);
        }
    }

    private RunStatus runToEnd(RunLease lease, RunRecord run, Runbook runbook, Alert alert,
                               RunbookEnvironment environment) {
        Instant began = clock.instant();
        RunState state = new RunState(run, lease, 0, runbook.name(), alert, environment);
        events.publish(run.id(), runbook.name(), RunEventType.STATUS, Map.of("status", RunStatus.RUNNING.wireName()));
        RunStatus status = RunStatus.SUCCEEDED;
        String verified = EngineMetrics.VERIFY_NONE;
        List<String> messages = new ArrayList<>();
        try (RunScopedResources resources = new RunScopedResources(run.id())) {
            Optional<StepFailure> failure = runbook.body().isPresent()
                    ? RunbookBodies.run(runbook.body().get(), state,
                            step -> executeStep(state, runbook, step, resources, false), messages)
                    : runSection(state, runbook, runbook.steps(), resources, false);
            if (failure.isEmpty() && !messages.isEmpty()) {
                status = RunStatus.FAILED;
                // The body threw outside a step: onFailure code still gets to escalate.
                state.noteFailure("", messages.getLast());
            }
            if (failure.isEmpty() && messages.isEmpty() && hasVerify(runbook)) {
                failure = verify(state, runbook, resources, messages);
                verified = failure.isEmpty() && messages.isEmpty() ? EngineMetrics.VERIFY_RECOVERED
                        : EngineMetrics.VERIFY_NOT_RECOVERED;
                if (failure.isEmpty() && !messages.isEmpty()) {
                    status = RunStatus.FAILED;
                    state.noteFailure("", messages.getLast());
                }
            }
            if (failure.isPresent() && failure.get().verify()) {
                status = RunStatus.FAILED;
                messages.add(failure.get().describeNotRecovered());
                state.noteFailure(failure.get().step().id(), failure.get().error());
                runSection(state, runbook, runbook.onFailure(), resources, false)
                        .ifPresent(escalation -> messages.add("onFailure " + escalation.describe("the onFailure steps "
                                + "after it were not run")));
            } else if (failure.isPresent()) {
                status = RunStatus.FAILED;
                messages.add(failure.get().describe("later steps were not run"));
                state.noteFailure(failure.get().step().id(), failure.get().error());
                runSection(state, runbook, runbook.onFailure(), resources, false)
                        .ifPresent(escalation -> messages.add("onFailure " + escalation.describe("the onFailure steps "
                                + "after it were not run")));
            }
            if (status == RunStatus.FAILED && runbook.body().flatMap(RunbookBody::onFailureBody).isPresent()) {
                runBodySection(state, runbook, runbook.body().get().onFailureBody().get(), "onFailure", resources,
                        messages, false);
            }
            // Cleanup runs after a cancel too (by an operator, or at shutdown): its steps are not tied to the
            // run's cancellation, only to their own timeouts.
            Optional<StepFailure> cleanup = runSection(state, runbook, runbook.finallySteps(), resources, true);
            if (cleanup.isPresent()) {
                status = RunStatus.FAILED;
                messages.add("finally " + cleanup.get().describe("the finally steps after it were not run"));
            }
            if (runbook.body().flatMap(RunbookBody::finallyBody).isPresent()
                    && runBodySection(state, runbook, runbook.body().get().finallyBody().get(), "always", resources,
                    messages, true)) {
                status = RunStatus.FAILED;
            }
        } catch (LeaseLostException e) {
            // Fenced: another node owns the run now; anything written from here would overwrite its record.
            cancellations.end(run.id());
            LOG.warn("{}", e.getMessage());
            return RunStatus.INTERRUPTED;
        } catch (RuntimeException e) {
            LOG.error("run {} of {} stopped by an engine error", run.id(), runbook.name(), e);
            status = RunStatus.FAILED;
            messages.add("engine error: " + e.getMessage());
        }
        messages.addAll(state.tolerated());
        Optional<String> cancelled = cancellations.end(run.id());
        if (cancelled.isPresent()) {
            status = RunStatus.CANCELLED;
            verified = EngineMetrics.VERIFY_NONE;
            messages.addFirst(cancelled.get());
        }
        String message = String.join("; ", messages);
        message = state.redaction().scrub(message);
        Instant ended = clock.instant();
        int saved = status == RunStatus.SUCCEEDED && !run.dryRun() ? creditedMinutes(runbook, run, ended) : 0;
        try {
            saved = recorder.runEnded(state, status, message, saved, ended); // 0 when its incident was credited already
        } catch (LeaseLostException e) {
            LOG.warn("{}", e.getMessage());
            return RunStatus.INTERRUPTED;
        }
        events.publish(run.id(), runbook.name(), RunEventType.END, Map.of("status", status.wireName(), "message", message));
        if (!run.dryRun()) {
            metrics.runFinished(runbook.name(), run.triggerType() == null ? "manual" : run.triggerType().wireName(),
                    status.wireName(), verified, Optional.of(Duration.between(began, ended)));
            metrics.toilSaved(runbook.name(), run.owner(), saved);
        }
        LOG.info("{} {} of {} {}{}", run.dryRun() ? "dry run" : "run", run.id(), runbook.name(),
                run.dryRun() && status == RunStatus.SUCCEEDED ? "planned" : status.wireName(),
                message.isEmpty() ? "" : ": " + message);
        return status;
    }

    /**
     * What a successful run saves: its runbook's manual minutes, except a scheduled run, which saves them only when
     * the runbook says what it replaces ({@code toil.replaces}) and at most once per that period (a heartbeat cron
     * must not credit 1,440 minutes a day).
     */
    private int creditedMinutes(Runbook runbook, RunRecord run, Instant ended) {
        if (run.triggerType() != dev.quench.core.store.TriggerType.SCHEDULE) {
            return runbook.manualMinutes();
        }
        if (runbook.toilReplaces().isEmpty()) {
            return 0;
        }
        Optional<Instant> last = runs.lastScheduledCredit(runbook.name());
        return last.isPresent() && last.get().isAfter(ended.minus(runbook.toilReplaces().get()))
                ? 0 : runbook.manualMinutes();
    }

    /** Runs the onFailure or always part of a runbook body; true when it failed (and said why in {@code messages}). */
    private boolean runBodySection(RunState state, Runbook runbook, RunbookBody section, String name,
                                   RunScopedResources resources, List<String> messages, boolean cleanup) {
        List<String> sectionMessages = new ArrayList<>();
        Optional<StepFailure> failure = RunbookBodies.run(section, state,
                step -> executeStep(state, runbook, step, resources, cleanup), sectionMessages);
        failure.ifPresent(stopped -> messages.add(name + " " + stopped.describe("")));
        sectionMessages.forEach(message -> messages.add(name + ": " + message));
        return failure.isPresent() || !sectionMessages.isEmpty();
    }

    /**
     * A step that failed and stopped its section; {@code more} says whether steps were left after it;
     * {@code error} is its message with the tail of its (masked) stderr, read as {@code run.error}.
     */
    record StepFailure(StepSpec step, StepResult result, boolean more, String error, boolean verify) {

        static StepFailure of(StepSpec step, StepResult result, boolean more, RunState state) {
            return new StepFailure(step, result, more,
                    StderrTail.append(result.message(), state.redaction().scrub(result.stderr())), state.verifying());
        }

        String describe(String skippedRest) {
            return "step '" + step.id() + "' (" + step.uses() + ") failed: " + error
                    + (more ? "; " + skippedRest : "");
        }

        /** A verify step that never passed: {@code not recovered: <step>: <its last message>}. */
        String describeNotRecovered() {
            return "not recovered: " + step.id() + ": " + error + (more ? "; the verify steps after it were not run" : "");
        }
    }

    private static boolean hasVerify(Runbook runbook) {
        return !runbook.verify().isEmpty() || runbook.body().flatMap(RunbookBody::verifyBody).isPresent();
    }

    /**
     * Checks the runbook's verify steps in order, each until it passes or its deadline; returns the first that
     * never passed. A verify body that failed outside a step says why in {@code messages}.
     */
    private Optional<StepFailure> verify(RunState state, Runbook runbook, RunScopedResources resources,
                                         List<String> messages) {
        state.enterVerify();
        try {
            Optional<StepFailure> failure = runSection(state, runbook, runbook.verify(), resources, false);
            Optional<RunbookBody> body = runbook.body().flatMap(RunbookBody::verifyBody);
            if (failure.isEmpty() && body.isPresent()) {
                List<String> bodyMessages = new ArrayList<>();
                failure = RunbookBodies.run(body.get(), state,
                        step -> executeStep(state, runbook, step, resources, false), bodyMessages);
                bodyMessages.forEach(message -> messages.add("not recovered: verify: " + message));
            }
            return failure;
        } finally {
            state.leaveVerify();
        }
    }

    /**
     * Runs one list of steps until a step fails without continueOnError; returns that failure.
     * {@code cleanup} steps (finally) run even when the run was cancelled.
     */
    private Optional<StepFailure> runSection(RunState state, Runbook runbook, List<StepSpec> steps,
                                             RunScopedResources resources, boolean cleanup) {
        for (int index = 0; index < steps.size(); index++) {
            StepSpec step = steps.get(index);
            StepResult result = executeStep(state, runbook, step, resources, cleanup);
            state.record(step.id(), result);
            if (result.status() != StepStatus.FAILED) {
                continue;
            }
            if (step.continueOnError()) {
                state.tolerate("step '" + step.id() + "' failed and the run went on (continueOnError): " + result.message());
                continue;
            }
            return Optional.of(StepFailure.of(step, result, index < steps.size() - 1, state));
        }
        return Optional.empty();
    }

    private StepResult executeStep(RunState state, Runbook runbook, StepSpec step, RunScopedResources resources,
                                   boolean cleanup) {
        try (RunLogContext ignored = RunLogContext.step(step.id())) {
            return executeStepLogged(state, runbook, step, resources, cleanup);
        }
    }

    private StepResult executeStepLogged(RunState state, Runbook runbook, StepSpec step, RunScopedResources resources,
                                         boolean cleanup) {
        RunRecord run = state.run();
        int seq = state.nextSeq();
        Instant started = clock.instant();
        ExpressionScope scope = state.scope();
        if (step.when().isPresent()) {
            Optional<StepResult> skipped = StepCondition.check(step, scope);
            if (skipped.isPresent()) {
                StepRecord record = new StepRecord(seq, step.id(), step.uses(), statusName(skipped.get()), Map.of(),
                        null, "", "", skipped.get().message(), started, clock.instant()).withPhase(state.phase());
                recorder.stepStarted(state, state.redaction().scrub(record));
                recorder.stepEnded(state, state.redaction().scrub(record));
                return skipped.get();
            }
        }
        StepPlugin<?> plugin = plugins.plugin(step.uses()).orElse(null);
        if (plugin == null) {
            return recordFailure(state, step, seq, step.id(), Map.of(), started, "step type '" + step.uses()
                    + "' is not available in this engine (plugins: " + plugins.types() + ")");
        }
        if (step.forEach().isPresent()) {
            return executeForEach(state, runbook, step, plugin, scope, seq, started, resources, cleanup);
        }
        return executeOnce(state, runbook, step, plugin, scope, seq, step.id(), resources, cleanup);
    }

    /**
     * Renders, runs (with retries) and records one execution of {@code step}: the whole step, or one
     * iteration of a forEach step, recorded as {@code recordId}.
     */
    private StepResult executeOnce(RunState state, Runbook runbook, StepSpec step, StepPlugin<?> plugin,
                                   ExpressionScope scope, int seq, String recordId, RunScopedResources resources,
                                   boolean cleanup) {
        RunRecord run = state.run();
        Instant started = clock.instant();
        Map<String, Object> rendered;
        try {
            rendered = StepConfigRenderer.render(recordId, step.with(), scope, plugin.configType());
        } catch (RuntimeException e) {
            return recordFailure(state, step, seq, recordId, Map.of(), started, "cannot render inputs: " + e.getMessage());
        }
        Map<String, Object> recorded = SecretRedaction.redact(rendered);
        recorder.stepStarted(state, state.redaction().scrub(new StepRecord(seq, recordId, step.uses(), "running", recorded, null, "", "", "",
                started, null).withPhase(state.phase())));
        boolean verifying = state.verifying();
        StepRetry.Outcome outcome = verifying
                ? VerifyPolling.run(step, timeout -> attempt(state, plugin, rendered, runbook, step, recordId, resources,
                        cleanup, timeout), delay -> awaitCheck(state, delay), clock)
                : StepRetry.run(step.retry(),
                        () -> attempt(state, plugin, rendered, runbook, step, recordId, resources, cleanup, step.timeout()),
                        failed -> scope.withStep(step.id(), failed), retryWait);
        StepResult result = StepOutputs.add(step, outcome.result(), scope);
        String message = result != outcome.result() ? result.message()
                : verifying ? VerifyPolling.describe(step, outcome, Duration.between(started, clock.instant()))
                : StepRetry.describe(outcome, step.retry().attempts());
        Instant ended = clock.instant();
        recorder.stepEnded(state, state.redaction().scrub(new StepRecord(seq, recordId, step.uses(), statusName(result), recorded,
                result.exitCode(), CappedText.cap(result.stdout(), outputLimit), CappedText.cap(result.stderr(), outputLimit),
                message, started, ended).withPhase(state.phase())).withOutputs(declaredOutputs(state, step, result)));
        if (!run.dryRun()) {
            metrics.stepFinished(step.uses(), statusName(result), Duration.between(started, ended));
        }
        return result.succeeded() ? result : result.withMessage(message);
    }

    /**
     * The step's declared outputs as they are recorded: masked (by name and by secret value), then each
     * text capped like stdout. Outputs a plugin returns without the runbook declaring them are not recorded.
     */
    private Map<String, Object> declaredOutputs(RunState state, StepSpec step, StepResult result) {
        if (step.outputs().isEmpty() || result.outputs().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> declared = new LinkedHashMap<>();
        for (String name : step.outputs().keySet()) {
            if (result.outputs().containsKey(name)) {
                declared.put(name, result.outputs().get(name));
            }
        }
        Map<String, Object> masked = state.redaction().scrub(SecretRedaction.redact(declared));
        Map<String, Object> capped = new LinkedHashMap<>();
        masked.forEach((name, value) -> capped.put(name,
                value instanceof String text ? CappedText.cap(text, outputLimit) : value));
        return capped;
    }

    /**
     * A forEach step: recorded once as a whole ({@code rendered} holds the items), then each
     * iteration as {@code <id>[<index>]}; later steps read the iterations as {@code steps.<id>.items}.
     */
    private StepResult executeForEach(RunState state, Runbook runbook, StepSpec step, StepPlugin<?> plugin,
                                      ExpressionScope scope, int seq, Instant started, RunScopedResources resources,
                                      boolean cleanup) {
        RunRecord run = state.run();
        List<Object> items;
        try {
            items = ForEachSteps.items(step, scope);
        } catch (RuntimeException e) {
            return recordFailure(state, step, seq, step.id(), Map.of(), started, "cannot compute forEach: " + e.getMessage());
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("forEach", items);
        summary.put("concurrency", step.forEach().get().concurrency());
        Map<String, Object> recorded = SecretRedaction.redact(summary);
        recorder.stepStarted(state, state.redaction().scrub(new StepRecord(seq, step.id(), step.uses(), "running", recorded, null, "", "", "",
                started, null).withPhase(state.phase())));
        Map<String, String> logContext = RunLogContext.capture();
        ForEachSteps.Outcome outcome = ForEachSteps.run(step, items, scope, (itemScope, recordId) -> {
            try (RunLogContext ignored = RunLogContext.onAnotherThread(logContext, recordId)) {
                return executeOnce(state, runbook, step, plugin, itemScope, state.nextSeq(), recordId, resources,
                        cleanup);
            }
        });
        state.recordItems(step.id(), outcome.items());
        StepResult result = outcome.result();
        recorder.stepEnded(state, state.redaction().scrub(new StepRecord(seq, step.id(), step.uses(), statusName(result), recorded,
                result.exitCode(), CappedText.cap(result.stdout(), outputLimit), CappedText.cap(result.stderr(), outputLimit),
                result.message(), started, clock.instant()).withPhase(state.phase())));
        return result;
    }

    private static String statusName(StepResult result) {
        return result.status().name().toLowerCase(Locale.ROOT);
    }

    /** One attempt with fresh output capture; output streamed live stands in for output the plugin did not return. */
    private StepResult attempt(RunState state, StepPlugin<?> plugin, Map<String, Object> rendered, Runbook runbook,
                               StepSpec step, String recordId, RunScopedResources resources, boolean cleanup,
                               Duration timeout) {
        RecordingOutput output = new RecordingOutput(outputLimit);
        RunRecord run = state.run();
        LiveOutput live = new LiveOutput(output, events, run.id(), runbook.name(), recordId, state.redaction());
        StepResult result;
        try {
            result = invoke(plugin, rendered, run, runbook, step, recordId, output, live, resources, clock.instant(),
                    cleanup, timeout);
        } finally {
            live.flush();
        }
        return new StepResult(result.status(), result.exitCode(),
                result.stdout().isEmpty() ? output.allStdout() : result.stdout(),
                result.stderr().isEmpty() ? output.allStderr() : result.stderr(), result.outputs(), result.message(),
                result.retry());
    }

    private <C extends Record> StepResult invoke(StepPlugin<C> plugin, Map<String, Object> rendered, RunRecord run,
                                                 Runbook runbook, StepSpec step, String recordId, RecordingOutput output,
                                                 LiveOutput live, RunScopedResources resources, Instant started, boolean cleanup,
                                                 Duration timeout) {
        C config;
        try {
            config = StepConfigMapper.map(rendered, plugin.configType());
        } catch (IllegalArgumentException e) {
            return StepResult.failed("invalid inputs for " + step.uses() + ": " + e.getMessage());
        }
        StepCancellation cancellation = new StepCancellation();
        Optional<String> runCancelled = cleanup ? Optional.empty() : cancellations.attach(run.id(), cancellation);
        if (runCancelled.isPresent()) {
            return StepResult.failed("not run: " + runCancelled.get());
        }
        EngineStepContext context = new EngineStepContext(run.id(), runbook.name(), recordId, run.dryRun(), timeout,
                started.plus(timeout), live, cancellation, resources);
        Future<StepResult> future = stepThreads.submit(RunLogContext.carried(() -> plugin.execute(context, config)));
        try {
            StepResult result = future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return result == null ? StepResult.failed(step.uses() + " returned no result") : result;
        } catch (TimeoutException e) {
            String why = "timed out after " + Durations.format(timeout);
            cancellation.cancel(why);
            future.cancel(true);
            awaitQuietly(future);
            return new StepResult(StepStatus.FAILED, null, output.allStdout(), output.allStderr(), Map.of(),
                    why + "; the step was stopped");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof dev.quench.api.StepFailedException ? cause.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (!(cause instanceof dev.quench.api.StepFailedException)) {
                LOG.warn("run {} step {}: {} threw", run.id(), step.id(), step.uses(), cause);
            }
            RetryAdvice retry = cause instanceof dev.quench.api.StepFailedException failed ? failed.retry()
                    : RetryAdvice.UNSAID;
            return new StepResult(StepStatus.FAILED, null, output.allStdout(), output.allStderr(), Map.of(), reason,
                    retry);
        } catch (InterruptedException e) {
            cancellation.cancel("engine shutting down");
            future.cancel(true);
            Thread.currentThread().interrupt();
            return StepResult.failed("the engine stopped while this step ran");
        }
    }

    /**
     * The wait between two checks of a verify step: cut short when the run is cancelled meanwhile (then false, and
     * the step is not checked again), as a step in progress would be.
     */
    private boolean awaitCheck(RunState state, Duration delay) {
        StepCancellation waiting = new StepCancellation();
        if (cancellations.attach(state.run().id(), waiting).isPresent()) {
            return false;
        }
        if (retryWait == NO_WAIT) {
            return true;
        }
        java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
        waiting.onCancel(cancelled::countDown);
        try {
            return !cancelled.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitQuietly(Future<StepResult> future) {
        try {
            future.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // The step was cancelled; whatever it threw on the way out does not change the outcome.
        }
    }

    private StepResult recordFailure(RunState state, StepSpec step, int seq, String recordId, Map<String, Object> rendered,
                                     Instant started, String message) {
        RunRecord run = state.run();
        StepRecord record = new StepRecord(seq, recordId, step.uses(), "failed", rendered, null, "", "", message,
                started, clock.instant()).withPhase(state.phase());
        recorder.stepStarted(state, state.redaction().scrub(record));
        recorder.stepEnded(state, state.redaction().scrub(record));
        if (!run.dryRun()) {
            metrics.stepFinished(step.uses(), "failed", Duration.between(started, record.finishedAt()));
        }
        return StepResult.failed(message);
    }

    /**
     * Cancels run {@code runId} if it is executing here: its current step is stopped (as on a timeout),
     * no later step starts, and the run ends as cancelled with {@code why}.
     *
     * @return false when the run is not executing in this engine
     */
    public boolean cancel(String runId, String why) {
        return cancellations.cancel(runId, why);
    }

    /**
     * Cancels every run executing here, as {@link #cancel} does (their {@code finally} steps still run).
     *
     * @return the ids of the runs cancelled
     */
    public List<String> cancelAll(String why) {
        return cancellations.cancelAll(why);
    }

    @Override
    public void close() {
        stepThreads.shutdownNow();
    }
}
