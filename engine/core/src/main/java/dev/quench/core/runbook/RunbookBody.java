package dev.quench.core.runbook;

import dev.quench.api.StepResult;
import dev.quench.core.expr.ExpressionScope;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The body of a runbook written as code (a Groovy runbook): ordinary control flow whose every
 * side effect is a step run through the engine's executor, so each is recorded, timed and
 * dry-runnable exactly like a YAML step. Implementations must be thread-safe: runs share them.
 */
public interface RunbookBody {

    /** Runs one step through the executor; throws {@link StepStopped} when the step failed and stops the run. */
    @FunctionalInterface
    interface StepRunner {
        StepResult run(StepSpec step);
    }

    /** Thrown out of the body when a step failed without continueOnError: the run stops there. */
    final class StepStopped extends RuntimeException {

        private final transient StepSpec step;
        private final transient StepResult result;

        public StepStopped(StepSpec step, StepResult result) {
            super("step '" + step.id() + "' failed: " + result.message(), null, false, false);
            this.step = step;
            this.result = result;
        }

        public StepSpec step() {
            return step;
        }

        public StepResult result() {
            return result;
        }
    }

    /**
     * Runs the body.
     *
     * @param scope what the body reads (alert, params, steps, run, env, secrets), fresh after every step
     * @param steps runs a step
     */
    void run(Supplier<ExpressionScope> scope, StepRunner steps) throws Exception;

    /** How long the whole body may take; the executor interrupts it after that. */
    Duration timeLimit();

    /**
     * The checks after the body succeeded, the equivalent of YAML's {@code verify:}: each step it runs is checked
     * again every {@code every} until it passes or its timeout ends; one that never passes fails the run as not
     * recovered.
     */
    default Optional<RunbookBody> verifyBody() {
        return Optional.empty();
    }

    /**
     * What runs after the body failed (a step failed, or the body threw): escalation, paging; the
     * equivalent of YAML's {@code onFailure:}. It reads {@code run.failedStep} and {@code run.error}.
     */
    default Optional<RunbookBody> onFailureBody() {
        return Optional.empty();
    }

    /** What runs at the end of every run, whatever happened; the equivalent of YAML's {@code finally:}. */
    default Optional<RunbookBody> finallyBody() {
        return Optional.empty();
    }
}
