package dev.quench.api;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one step: what a later step may read as {@code steps.<id>.stdout} and friends.
 *
 * @param status    succeeded or failed
 * @param exitCode  the command's exit code (HTTP steps: the status code), or null where none
 * @param stdout    standard output (HTTP steps: the response body), never null
 * @param stderr    standard error, never null
 * @param outputs   named values for later steps ({@code steps.<id>.outputs.name}), never null
 * @param message   why the step failed, in words for the on-call engineer; empty when it succeeded
 * @param retry     whether a failure is worth another attempt, for the engine's {@code retry:} policy;
 *                  {@link RetryAdvice#UNSAID} when the step does not say
 */
public record StepResult(StepStatus status, Integer exitCode, String stdout, String stderr,
                         Map<String, Object> outputs, String message, RetryAdvice retry) {

    public StepResult {
        Objects.requireNonNull(status, "status");
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
        message = message == null ? "" : message;
        retry = retry == null ? RetryAdvice.UNSAID : retry;
    }

    /** A result that says nothing about retrying. */
    public StepResult(StepStatus status, Integer exitCode, String stdout, String stderr, Map<String, Object> outputs,
                      String message) {
        this(status, exitCode, stdout, stderr, outputs, message, RetryAdvice.UNSAID);
    }

    /** A successful step with output. */
    public static StepResult succeeded(String stdout) {
        return new StepResult(StepStatus.SUCCEEDED, null, stdout, "", Map.of(), "");
    }

    /** A failed step, with the reason. */
    public static StepResult failed(String message) {
        return new StepResult(StepStatus.FAILED, null, "", "", Map.of(), message);
    }

    /** A command's result: succeeded when it exited 0, failed otherwise. */
    public static StepResult ofExitCode(int exitCode, String stdout, String stderr) {
        return new StepResult(exitCode == 0 ? StepStatus.SUCCEEDED : StepStatus.FAILED, exitCode,
                stdout, stderr, Map.of(), exitCode == 0 ? "" : "command exited with code " + exitCode);
    }

    /** This result with a different failure message. */
    public StepResult withMessage(String newMessage) {
        return new StepResult(status, exitCode, stdout, stderr, outputs, newMessage, retry);
    }

    /** This result with named outputs for later steps. */
    public StepResult withOutputs(Map<String, Object> newOutputs) {
        return new StepResult(status, exitCode, stdout, stderr, newOutputs, message, retry);
    }

    /** This result with advice for the engine's {@code retry:} policy. */
    public StepResult withRetry(RetryAdvice advice) {
        return new StepResult(status, exitCode, stdout, stderr, outputs, message, advice);
    }

    public boolean succeeded() {
        return status == StepStatus.SUCCEEDED;
    }
}
