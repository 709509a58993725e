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
        return new StepOutput() {
            @Override
            public void stdout(String chunk) {
            }

            @Override
            public void stderr(String chunk) {
            }

            @Override
            public void info(String message) {
            }
        };
    }
}
