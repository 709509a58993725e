package dev.quench.plugin.ssh;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepOutput;

import java.time.Duration;
import java.time.Instant;

/**
 * The step's context for work done on its behalf: one target of a fan-out, or a clean-up after a stop.
 * The run, step and run resources are the step's; stdout and stderr are kept elsewhere (interleaved chunks
 * of many hosts would be unreadable live) while info lines still reach the step's live output.
 */
record OnBehalfContext(StepContext step, boolean dryRun, Duration timeout, Instant deadline,
                       Cancellation cancellation) implements StepContext {

    /** One fan-out target: the step's own deadline, cancellation and dry run. */
    static OnBehalfContext forTarget(StepContext step) {
        return new OnBehalfContext(step, step.dryRun(), step.timeout(), step.deadline(), step.cancellation());
    }

    /**
     * A clean-up after the step was stopped: its deadline has passed by then, so the clean-up gets
     * {@code timeout} of its own and cannot be cancelled (it is what makes a cancelled step leave
     * nothing behind).
     */
    static OnBehalfContext forCleanup(StepContext step, Duration timeout) {
        return new OnBehalfContext(step, false, timeout, Instant.now().plus(timeout), NOT_CANCELLABLE);
    }

    private static final Cancellation NOT_CANCELLABLE = new Cancellation() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public String reason() {
            return "";
        }

        @Override
        public void onCancel(Runnable action) {
            // Never cancelled, so the action never runs.
        }
    };

    @Override
    public String runId() {
        return step.runId();
    }

    @Override
    public String runbook() {
        return step.runbook();
    }

    @Override
    public String stepId() {
        return step.stepId();
    }

    @Override
    public StepOutput output() {
        return StepOutput.infoOnly(step.output());
    }

    @Override
    public RunResources resources() {
        return step.resources();
    }
}
