package dev.quench.core.plugin;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepPlugin;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step plugins the engine runs, found with {@link ServiceLoader} on the class path and in the
 * plugins directory, where each plugin has a class loader of its own ({@link PluginDirectory}). Two
 * plugins with the same step type stop the engine, naming both jars. Thread-safe once built.
 */
public final class PluginRegistry implements StepCatalog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, StepPlugin<?>> plugins;
    private final PluginDirectory pluginDirectory;

    private PluginRegistry(Map<String, StepPlugin<?>> plugins, PluginDirectory pluginDirectory) {
        this.plugins = Collections.unmodifiableMap(plugins);
        this.pluginDirectory = pluginDirectory;
    }

    /**
     * Discovers plugins on the class path and in {@code pluginsDirectory} (may be null), each entry of which
     * gets a class loader of its own ({@link PluginDirectory}).
     *
     * @throws PluginException on duplicate step types, an unreadable plugins directory, or a plugin jar built
     *     against another API version or whose classes do not link against this engine's API
     */
    public static PluginRegistry discover(Path pluginsDirectory) {
        List<PluginDirectory.Loaded> found = new ArrayList<>(classPathPlugins());
        PluginDirectory directory = pluginsDirectory == null ? null : PluginDirectory.load(pluginsDirectory);
        try {
            if (directory != null) {
                found.addAll(directory.plugins());
            }
            Map<String, StepPlugin<?>> plugins = new LinkedHashMap<>();
            Map<String, String> origins = new LinkedHashMap<>();
            for (PluginDirectory.Loaded loaded : found) {
                StepPlugin<?> plugin = loaded.plugin();
                String type = plugin.type();
                if (plugins.containsKey(type)) {
                    throw new PluginException("two plugins provide step type '" + type + "': "
                            + plugins.get(type).getClass().getName() + " in " + origins.get(type) + " and "
                            + plugin.getClass().getName() + " in " + loaded.origin()
                            + ". Remove one of the jars (or the older version) from the class path / plugins directory.");
                }
                plugins.put(type, plugin);
                origins.put(type, loaded.origin());
            }
            LOG.debug("step plugins: {}", origins);
            return new PluginRegistry(plugins, directory);
        } catch (RuntimeException e) {
            if (directory != null) {
                directory.close();
            }
            throw e;
        }
    }

    private static List<PluginDirectory.Loaded> classPathPlugins() {
        List<PluginDirectory.Loaded> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<StepPlugin> provider
                    : ServiceLoader.load(StepPlugin.class, PluginRegistry.class.getClassLoader()).stream().toList()) {
                found.add(new PluginDirectory.Loaded(provider.get(), origin(provider.type())));
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PluginException("cannot load the step plugins on the class path: " + e
                    + ": a jar on the class path was probably built against another Quench API; rebuild it against "
                    + "quench-engine-api " + PluginApiVersion.engineLine(), e);
        }
        return found;
    }

    /** A registry of exactly these plugins (tests, embedding). */
    public static PluginRegistry of(List<StepPlugin<?>> plugins) {
        Map<String, StepPlugin<?>> byType = new LinkedHashMap<>();
        for (StepPlugin<?> plugin : plugins) {
            if (byType.putIfAbsent(plugin.type(), plugin) != null) {
                throw new PluginException("two plugins provide step type '" + plugin.type() + "'");
            }
        }
        return new PluginRegistry(byType, null);
    }

    /** Starts every plugin; a failure names the step type. */
    public void start(PluginEnvironment environment) {
        for (StepPlugin<?> plugin : plugins.values()) {
            try {
                plugin.start(environment);
            } catch (Exception e) {
                throw new PluginException("step plugin '" + plugin.type() + "' failed to start: " + e.getMessage(), e);
            }
        }
    }

    public Optional<StepPlugin<?>> plugin(String type) {
        return Optional.ofNullable(plugins.get(type));
    }

    @Override
    public Set<String> types() {
        return plugins.keySet();
    }

    @Override
    public Optional<Class<? extends Record>> configType(String type) {
        return plugin(type).map(StepPlugin::configType);
    }

    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        for (StepPlugin<?> plugin : plugins.values()) {
            try {
                plugin.close();
            } catch (Exception e) {
                failures.add(plugin.type() + ": " + e.getMessage());
                LOG.warn("step plugin '{}' failed to close", plugin.type(), e);
            }
        }
        if (pluginDirectory != null) {
            pluginDirectory.close();
        }
        if (!failures.isEmpty()) {
            LOG.warn("plugins that did not close cleanly: {}", failures);
        }
    }

    static String origin(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(unknown jar)" : source.getLocation().getPath();
    }
}
