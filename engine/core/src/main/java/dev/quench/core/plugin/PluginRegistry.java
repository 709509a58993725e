package dev.quench.core.plugin;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step plugins the engine runs, found with {@link ServiceLoader} on the class path and in the
 * jars of a plugins directory. Two plugins with the same step type stop the engine, naming both
 * jars. Thread-safe once built.
 */
public final class PluginRegistry implements StepCatalog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Map<String, StepPlugin<?>> plugins;
    private final URLClassLoader pluginJars;

    private PluginRegistry(Map<String, StepPlugin<?>> plugins, URLClassLoader pluginJars) {
        this.plugins = Collections.unmodifiableMap(plugins);
        this.pluginJars = pluginJars;
    }

    /**
     * Discovers plugins on the class path and in {@code pluginsDirectory} (may be null).
     *
     * @throws PluginException on duplicate step types or an unreadable plugins directory
     */
    public static PluginRegistry discover(Path pluginsDirectory) {
        URLClassLoader pluginJars = pluginsDirectory == null ? null : jarLoader(pluginsDirectory);
        ClassLoader loader = pluginJars != null ? pluginJars : PluginRegistry.class.getClassLoader();
        Map<String, StepPlugin<?>> plugins = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (ServiceLoader.Provider<StepPlugin> provider : ServiceLoader.load(StepPlugin.class, loader).stream().toList()) {
            StepPlugin<?> plugin = provider.get();
            String origin = origin(provider.type());
            String type = plugin.type();
            if (plugins.containsKey(type)) {
                throw new PluginException("two plugins provide step type '" + type + "': "
                        + plugins.get(type).getClass().getName() + " in " + origins.get(type) + " and "
                        + plugin.getClass().getName() + " in " + origin
                        + ". Remove one of the jars (or the older version) from the class path / plugins directory.");
            }
            plugins.put(type, plugin);
            origins.put(type, origin);
        }
        LOG.debug("step plugins: {}", origins);
        return new PluginRegistry(plugins, pluginJars);
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
        if (pluginJars != null) {
            try {
                pluginJars.close();
            } catch (IOException e) {
                LOG.warn("cannot close plugin class loader", e);
            }
        }
        if (!failures.isEmpty()) {
            LOG.warn("plugins that did not close cleanly: {}", failures);
        }
    }

    private static URLClassLoader jarLoader(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PluginException("plugins directory " + directory + " does not exist or is not a directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<URL> jars = new ArrayList<>();
            for (Path jar : files.filter(path -> path.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
            return new URLClassLoader("quench-plugins", jars.toArray(URL[]::new), PluginRegistry.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new PluginException("cannot load a jar from plugins directory " + directory + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PluginException("cannot list plugins directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String origin(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(unknown jar)" : source.getLocation().getPath();
    }
}
