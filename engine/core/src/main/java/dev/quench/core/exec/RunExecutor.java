package dev.quench.core.exec;

import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.plugin.StepConfigMapper;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.step.CappedText;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunRepository;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the steps of one run in order, off the event loop: renders each step's inputs,
 * runs its plugin under the step's timeout, records every step, and stops at the first failure.
 * Thread-safe: runs execute concurrently, each on its own virtual thread.
 */
public final class RunExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);

    /** How long a plugin gets past its deadline to return after being cancelled. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    private final PluginRegistry plugins;
    private final RunRepository runs;
    private final int outputLimit;
    private final Map<String, String> environment;
    private final Clock clock;
    private final ExecutorService stepThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quench-step-", 0).factory());

    public RunExecutor(PluginRegistry plugins, RunRepository runs, int outputLimit, Map<String, String> environment,
                       Clock clock) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.runs = Objects.requireNonNull(runs, "runs");
        this.outputLimit = outputLimit;
        this.environment = Map.copyOf(environment);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs {@code run} (already recorded as queued) to the end and records the outcome.
     *
     * @return the final status
     */
    public RunStatus execute(RunRecord run, Runbook runbook, Alert alert) {
        Instant started = clock.instant();
        runs.markRunning(run.id(), started);
        Map<String, StepResult> results = new LinkedHashMap<>();
        Map<String, Object> runInfo = Map.of("id", run.id(), "runbook", runbook.name(),
                "trigger", run.triggerType().wireName(), "dryRun", run.dryRun());
        RunStatus status = RunStatus.SUCCEEDED;
        String message = "";
        try (RunScopedResources resources = new RunScopedResources(run.id())) {
            int seq = 0;
            for (StepSpec step : runbook.steps()) {
                seq++;
                ExpressionScope scope = ExpressionScope.of(alert, run.params(), Map.copyOf(results), runInfo, environment);
                StepOutcome outcome = executeStep(run, runbook, step, seq, scope, resources);
                results.put(step.id(), outcome.result());
                if (!outcome.result().succeeded()) {
                    status = RunStatus.FAILED;
                    message = "step '" + step.id() + "' (" + step.uses() + ") failed: " + outcome.result().message()
                            + (seq < runbook.steps().size() ? "; later steps were not run" : "");
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("run {} of {} stopped by an engine error", run.id(), runbook.name(), e);
            status = RunStatus.FAILED;
            message = "engine error: " + e.getMessage();
        }
        int saved = status == RunStatus.SUCCEEDED && !run.dryRun() ? runbook.manualMinutes() : 0;
        runs.finish(run.id(), status, message, saved, clock.instant());
        LOG.info("run {} of {} {}{}", run.id(), runbook.name(), status.wireName(), message.isEmpty() ? "" : ": " + message);
        return status;
    }

    private StepOutcome executeStep(RunRecord run, Runbook runbook, StepSpec step, int seq, ExpressionScope scope,
                                    RunScopedResources resources) {
        Instant started = clock.instant();
        StepPlugin<?> plugin = plugins.plugin(step.uses()).orElse(null);
        if (plugin == null) {
            return recordFailure(run, step, seq, Map.of(), started, "step type '" + step.uses()
                    + "' is not available in this engine (plugins: " + plugins.types() + ")");
        }
        Map<String, Object> rendered;
        try {
            rendered = StepConfigRenderer.render(step.id(), step.with(), scope, plugin.configType());
        } catch (RuntimeException e) {
            return recordFailure(run, step, seq, Map.of(), started, "cannot render inputs: " + e.getMessage());
        }
        Map<String, Object> recorded = SecretRedaction.redact(rendered);
        StepRecord running = new StepRecord(seq, step.id(), step.uses(), "running", recorded, null, "", "", "",
                started, null);
        runs.startStep(run.id(), running);
        RecordingOutput output = new RecordingOutput(outputLimit);
        StepResult result = invoke(plugin, rendered, run, runbook, step, output, resources, started);
        StepRecord finished = new StepRecord(seq, step.id(), step.uses(),
                result.succeeded() ? "succeeded" : "failed", recorded, result.exitCode(),
                CappedText.cap(result.stdout().isEmpty() ? output.stdoutText() : result.stdout(), outputLimit),
                CappedText.cap(result.stderr().isEmpty() ? output.stderrText() : result.stderr(), outputLimit),
                result.message(), started, clock.instant());
        runs.finishStep(run.id(), finished);
        return new StepOutcome(result);
    }

    private <C extends Record> StepResult invoke(StepPlugin<C> plugin, Map<String, Object> rendered, RunRecord run,
                                                 Runbook runbook, StepSpec step, RecordingOutput output,
                                                 RunScopedResources resources, Instant started) {
        C config;
        try {
            config = StepConfigMapper.map(rendered, plugin.configType());
        } catch (IllegalArgumentException e) {
            return StepResult.failed("invalid inputs for " + step.uses() + ": " + e.getMessage());
        }
        Duration timeout = step.timeout();
        StepCancellation cancellation = new StepCancellation();
        EngineStepContext context = new EngineStepContext(run.id(), runbook.name(), step.id(), run.dryRun(), timeout,
                started.plus(timeout), output, cancellation, resources);
        Future<StepResult> future = stepThreads.submit(() -> plugin.execute(context, config));
        try {
            StepResult result = future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return result == null ? StepResult.failed(step.uses() + " returned no result") : result;
        } catch (TimeoutException e) {
            String why = "timed out after " + Durations.format(timeout);
            cancellation.cancel(why);
            future.cancel(true);
            awaitQuietly(future);
            return new StepResult(StepStatus.FAILED, null, output.stdoutText(), output.stderrText(), Map.of(),
                    why + "; the step was stopped");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof dev.quench.api.StepFailedException ? cause.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (!(cause instanceof dev.quench.api.StepFailedException)) {
                LOG.warn("run {} step {}: {} threw", run.id(), step.id(), step.uses(), cause);
            }
            return new StepResult(StepStatus.FAILED, null, output.stdoutText(), output.stderrText(), Map.of(), reason);
        } catch (InterruptedException e) {
            cancellation.cancel("engine shutting down");
            future.cancel(true);
            Thread.currentThread().interrupt();
            return StepResult.failed("the engine stopped while this step ran");
        }
    }

    private static void awaitQuietly(Future<StepResult> future) {
        try {
            future.get(CANCEL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // The step was cancelled; whatever it threw on the way out does not change the outcome.
        }
    }

    private StepOutcome recordFailure(RunRecord run, StepSpec step, int seq, Map<String, Object> rendered,
                                      Instant started, String message) {
        StepRecord record = new StepRecord(seq, step.id(), step.uses(), "failed", rendered, null, "", "", message,
                started, clock.instant());
        runs.startStep(run.id(), record);
        runs.finishStep(run.id(), record);
        return new StepOutcome(StepResult.failed(message));
    }

    @Override
    public void close() {
        stepThreads.shutdownNow();
    }

    private record StepOutcome(StepResult result) {
    }
}
