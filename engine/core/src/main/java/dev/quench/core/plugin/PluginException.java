package dev.quench.core.plugin;

/** A plugin could not be loaded or started; the engine does not start. */
public final class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }
}
