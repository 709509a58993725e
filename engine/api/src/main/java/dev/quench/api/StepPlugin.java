package dev.quench.api;

/**
 * A step type: one class that runs one kind of step ({@code ssh.exec}, {@code http.request}, ...).
 *
 * <p>Plugins are discovered with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.quench.api.StepPlugin} file) from the class path and from the
 * configured plugins directory. The engine maps a step's rendered {@code with:} block onto the
 * configuration record {@link #configType()}; unknown fields are rejected when runbooks load,
 * and the record's compact constructor may reject bad values with an
 * {@link IllegalArgumentException} whose message is shown to the runbook author.
 *
 * <p>Implementations must be thread-safe: {@link #execute} is called concurrently for different
 * runs and targets.
 *
 * @param <C> the configuration record of this step type
 */
public interface StepPlugin<C extends Record> extends AutoCloseable {

    /** The step type as written in {@code uses:}, for example {@code ssh.exec}. */
    String type();

    /** The record the step's {@code with:} block is mapped onto. */
    Class<C> configType();

    /**
     * Called once before the first {@link #execute}, with the engine's environment (settings,
     * inventory, shared services). A failure here stops the engine from starting.
     */
    default void start(PluginEnvironment environment) throws Exception {
    }

    /**
     * Runs one step. Return a result (a non-zero exit code is a failed step), or throw
     * {@link StepFailedException} with a message for the person reading the run at 3 a.m.
     * Any other exception fails the step too, with its message.
     *
     * <p>The engine enforces the step's timeout: when it expires, or the run is cancelled,
     * {@link StepContext#cancellation()} fires and the executing thread is interrupted.
     */
    StepResult execute(StepContext context, C config) throws Exception;

    /** Releases what {@link #start} acquired. Called once when the engine stops. */
    @Override
    default void close() throws Exception {
    }
}
