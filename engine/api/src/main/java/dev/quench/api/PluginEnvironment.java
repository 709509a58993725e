package dev.quench.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the engine gives a plugin when it starts: its settings, the inventory and shared services.
 * Thread-safe.
 */
public interface PluginEnvironment {

    /**
     * A section of the engine configuration ({@code quench.yaml}) mapped onto {@code type}, for
     * example {@code settings("ssh", SshSettings.class)}; empty when the section is absent.
     *
     * @throws IllegalArgumentException when the section does not fit {@code type}, naming the field
     */
    <T> Optional<T> settings(String section, Class<T> type);

    /** The hosts the engine knows by name. */
    Inventory inventory();

    /**
     * A service the engine shares with plugins, for example its {@code io.vertx.core.Vertx}
     * so that a plugin does not start an event loop of its own.
     */
    <T> Optional<T> service(Class<T> type);

    /** A directory the plugin may write state to (pinned host keys). */
    Path dataDirectory();
}
