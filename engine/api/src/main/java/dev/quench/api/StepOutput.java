package dev.quench.api;

/**
 * Live output of a step. The engine keeps a capped copy for the run record and forwards it to
 * live viewers; what a plugin writes here may also be returned in {@link StepResult}.
 * Implementations are thread-safe.
 */
public interface StepOutput {

    /** A chunk of standard output, as it arrives. */
    void stdout(String chunk);

    /** A chunk of standard error, as it arrives. */
    void stderr(String chunk);

    /** A line from the plugin itself ("connected to web-7 (10.0.0.7:22)"), shown with the step. */
    void info(String message);

    /** An output that discards everything. */
    static StepOutput discard() {
        return new InfoOnlyOutput(message -> {
            // Discarded too.
        });
    }

    /**
     * An output for work done on a step's behalf (one target of a fan-out, a clean-up after a stop): its stdout
     * and stderr are kept elsewhere or not at all, while its info lines still reach {@code live}.
     */
    static StepOutput infoOnly(StepOutput live) {
        return new InfoOnlyOutput(live::info);
    }
}
