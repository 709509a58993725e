package dev.quench.api;

/**
 * A step failed for a reason the plugin can explain: thrown with a message that names the target,
 * the reason and what to check ("web-7 (10.0.0.7:22): host key changed ... check known_hosts").
 * The engine records the message as the step's failure and keeps the cause for the log.
 */
public class StepFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    public StepFailedException(String message) {
        super(message);
    }

    public StepFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
