package dev.quench.plugin.ssh;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepOutput;
import dev.quench.api.StepResult;

import java.time.Duration;
import java.time.Instant;

/**
 * Runs a short cleanup command (remove an uploaded script) after a step was stopped by its timeout or a
 * cancel: the step's own deadline has passed by then, so the cleanup gets a few seconds of its own and
 * ignores the cancellation that stopped the step. Its outcome goes to the step's info output.
 */
final class RemoteCleanup {

    static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(10);

    private RemoteCleanup() {
    }

    static void run(SshConnection connection, SshTarget target, String command, StepContext step) {
        CleanupContext context = new CleanupContext(step, Instant.now().plus(CLEANUP_TIMEOUT));
        // A cancel interrupts the step thread, which would stop the cleanup at once; restore it afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            StepResult result = RemoteCommand.run(connection.session(context), target, command, context);
            step.output().info(target.display() + ": cleanup " + (result.succeeded() ? "done" : "failed: "
                    + result.message()) + " (" + command + ")");
        } catch (StepFailedException e) {
            step.output().info(target.display() + ": cleanup could not run (" + e.getMessage() + "); run it by hand: "
                    + command);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The step's context with a fresh deadline, no cancellation, and only info messages passed on. */
    private record CleanupContext(StepContext step, Instant deadline) implements StepContext {
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
        public boolean dryRun() {
            return false;
        }

        @Override
        public Duration timeout() {
            return CLEANUP_TIMEOUT;
        }

        @Override
        public StepOutput output() {
            return InfoOnlyOutput.of(step.output());
        }

        @Override
        public Cancellation cancellation() {
            return new Cancellation() {
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
                    // The cleanup is not cancellable: it is what makes a cancelled step leave nothing behind.
                }
            };
        }

        @Override
        public RunResources resources() {
            return step.resources();
        }
    }
}
