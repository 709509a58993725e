package dev.quench.plugin.ssh;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepOutput;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A step context like the engine's: a deadline, and a cancellation that fires when the deadline
 * passes with the reason the engine gives ("timed out after 1s").
 */
final class TestStepContext implements StepContext {

    final RecordingOutput output = new RecordingOutput();
    final TestCancellation cancellation = new TestCancellation();
    private final RunResources resources;
    private final Duration timeout;
    private final Instant deadline;
    private final boolean dryRun;

    private TestStepContext(RunResources resources, Duration timeout, boolean dryRun) {
        this.resources = resources;
        this.timeout = timeout;
        this.deadline = Instant.now().plus(timeout);
        this.dryRun = dryRun;
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> cancellation.cancel("timed out after " + Durations.describe(timeout)));
    }

    static TestStepContext of(RunResources resources) {
        return new TestStepContext(resources, Duration.ofSeconds(30), false);
    }

    static TestStepContext withTimeout(RunResources resources, Duration timeout) {
        return new TestStepContext(resources, timeout, false);
    }

    static TestStepContext dryRun(RunResources resources) {
        return new TestStepContext(resources, Duration.ofSeconds(30), true);
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public String runbook() {
        return "test-runbook";
    }

    @Override
    public String stepId() {
        return "step";
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public StepOutput output() {
        return output;
    }

    @Override
    public Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public RunResources resources() {
        return resources;
    }
}
