package dev.quench.core.runbooktest;

import dev.quench.api.StepResult;
import dev.quench.core.alert.Alert;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One test of a runbook test file: the input (an alert and/or params), canned step results, and
 * what to expect. Immutable.
 *
 * @param name    what the test shows, as the runner prints it
 * @param alert   the sample alert, if any
 * @param params  param values, as on the command line
 * @param runbook the runbook to run; empty means the one the alert matches
 * @param canned  step results by step id; a step without one succeeds with no output
 * @param matches the runbooks the alert must match, exactly, if given
 * @param expect  what the run must show; empty for a test of matching only (then nothing runs)
 */
public record RunbookTestCase(String name, Optional<Alert> alert, Map<String, String> params, Optional<String> runbook,
                              Map<String, StepResult> canned, Optional<List<String>> matches, Optional<Expectation> expect,
                              Map<String, String> env, Map<String, String> secrets) {

    public RunbookTestCase {
        env = Map.copyOf(env);
        secrets = Map.copyOf(secrets);
    }

    /**
     * What a run must show; absent parts are not checked.
     *
     * @param status the run's final status (succeeded, failed)
     * @param ran    the ids of the recorded steps, in order (skipped steps included)
     * @param steps  per step id: the expected status and rendered inputs
     * @param verify how the run's verify steps ended: {@link #RECOVERED} (all passed), {@link #NOT_RECOVERED} (one
     *               did not pass by its deadline) or {@link #VERIFY_NOT_RUN} (none ran: none written, or a step failed)
     */
    public record Expectation(Optional<String> status, Optional<List<String>> ran, Map<String, StepExpectation> steps,
                              Optional<String> verify) {

        public static final String RECOVERED = "recovered";
        public static final String NOT_RECOVERED = "notRecovered";
        public static final String VERIFY_NOT_RUN = "notRun";

        /** An expectation that says nothing of verify. */
        public Expectation(Optional<String> status, Optional<List<String>> ran, Map<String, StepExpectation> steps) {
            this(status, ran, steps, Optional.empty());
        }
    }

    /**
     * @param status  succeeded, failed, skipped, or notRun
     * @param with    rendered inputs that must be exactly these (only the fields named)
     * @param message text the step's message must contain
     */
    public record StepExpectation(Optional<String> status, Map<String, Object> with, Optional<String> message) {
    }
}
