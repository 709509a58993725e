package dev.quench.plugin.ssh;

import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;

import java.time.Duration;

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
        StepContext context = OnBehalfContext.forCleanup(step, CLEANUP_TIMEOUT);
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
}
