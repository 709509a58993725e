package dev.quench.api;

/**
 * Tells a step that it must stop: its timeout expired or the run was cancelled. Thread-safe.
 */
public interface Cancellation {

    /** True once the step must stop. */
    boolean isCancelled();

    /** Why the step must stop ("timed out after 60s", "run cancelled by alice"), empty before. */
    String reason();

    /**
     * Registers an action to run when the step must stop (close the channel, kill the process).
     * Runs at once if the step is already cancelled. Actions must not block for long.
     */
    void onCancel(Runnable action);
}
