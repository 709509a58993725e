package dev.quench.api;

/**
 * A step failed for a reason the plugin can explain: thrown with a message that names the target,
 * the reason and what to check ("web-7 (10.0.0.7:22): host key changed ... check known_hosts").
 * The engine records the message as the step's failure and keeps the cause for the log; its
 * {@link #retry()} advice (a refused connection is worth another try) informs the runbook's
 * {@code retry:} policy.
 */
public class StepFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient RetryAdvice retry;

    public StepFailedException(String message) {
        this(message, null, RetryAdvice.UNSAID);
    }

    public StepFailedException(String message, Throwable cause) {
        this(message, cause, RetryAdvice.UNSAID);
    }

    /** A failure with advice for the engine's {@code retry:} policy; {@code cause} may be null. */
    public StepFailedException(String message, Throwable cause, RetryAdvice retry) {
        super(message, cause);
        this.retry = retry == null ? RetryAdvice.UNSAID : retry;
    }

    /** Whether this failure is worth another attempt, as far as the step can tell. */
    public RetryAdvice retry() {
        return retry == null ? RetryAdvice.UNSAID : retry;
    }
}
