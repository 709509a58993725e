package dev.quench.core.plugin;

import dev.quench.api.QuenchApi;
import dev.quench.api.StepPlugin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins directory: each entry is one plugin with a class loader of its own, either a jar
 * ({@code plugins/foo.jar}, its dependencies bundled inside or none) or a directory
 * ({@code plugins/foo/}: the plugin's jars at its top, their dependencies in {@code plugins/foo/lib/}).
 * A plugin jar whose manifest names another major API version ({@value QuenchApi#MANIFEST_ATTRIBUTE}),
 * or whose classes do not link against this engine's API, stops the start with one line naming the jar.
 */
final class PluginDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);
    private static final String SERVICE_FILE = "META-INF/services/" + StepPlugin.class.getName();

    /** A step plugin and the jar it came from. */
    record Loaded(StepPlugin<?> plugin, String origin) {
    }

    private final List<PluginClassLoader> loaders = new ArrayList<>();
    private final List<Loaded> plugins = new ArrayList<>();

    private PluginDirectory() {
    }

    /**
     * Loads every plugin of {@code directory}. On a failure, the class loaders opened so far are closed.
     *
     * @throws PluginException naming the jar, what is wrong with it and what to do
     */
    static PluginDirectory load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PluginException("plugins directory " + directory + " does not exist or is not a directory");
        }
        PluginDirectory loaded = new PluginDirectory();
        try {
            for (Path entry : entries(directory)) {
                loaded.loadEntry(entry);
            }
            return loaded;
        } catch (RuntimeException | Error e) {
            loaded.close();
            throw e;
        }
    }

    List<Loaded> plugins() {
        return Collections.unmodifiableList(plugins);
    }

    void close() {
        for (PluginClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("cannot close the class loader of plugin {}", loader.getName(), e);
            }
        }
    }

    private void loadEntry(Path entry) {
        List<Path> pluginJars = Files.isDirectory(entry) ? jarsIn(entry) : List.of(entry);
        if (pluginJars.isEmpty()) {
            LOG.warn("{} holds no jar and is skipped: a plugin directory holds the plugin's jar at its top and its "
                    + "dependencies in lib/", entry);
            return;
        }
        for (Path jar : pluginJars) {
            checkApiVersion(jar);
        }
        List<Path> classPath = new ArrayList<>(pluginJars);
        if (Files.isDirectory(entry)) {
            classPath.addAll(jarsIn(entry.resolve("lib")));
        }
        PluginClassLoader loader = new PluginClassLoader("quench-plugin " + entry.getFileName(),
                classPath.stream().map(PluginDirectory::url).toArray(URL[]::new), PluginRegistry.class.getClassLoader());
        loaders.add(loader);
        Set<String> providers = providerNames(entry, loader);
        if (providers.isEmpty()) {
            LOG.warn("{} provides no step plugin (no {}): a plugin's dependencies go into plugins/<plugin>/lib/, "
                    + "next to the plugin's jar in plugins/<plugin>/", entry, SERVICE_FILE);
        }
        for (String className : providers) {
            StepPlugin<?> plugin = instantiate(entry, loader, className);
            plugins.add(new Loaded(plugin, PluginRegistry.origin(plugin.getClass())));
        }
    }

    private static StepPlugin<?> instantiate(Path entry, ClassLoader loader, String className) {
        try {
            Class<?> type = Class.forName(className, false, loader);
            if (!StepPlugin.class.isAssignableFrom(type)) {
                throw new PluginException(entry + ": " + className + " is listed in " + SERVICE_FILE
                        + " but does not implement " + StepPlugin.class.getName()
                        + ": it was probably built against another Quench API; rebuild it against quench-engine-api "
                        + PluginApiVersion.engineLine());
            }
            StepPlugin<?> plugin = (StepPlugin<?>) type.getConstructor().newInstance();
            plugin.type(); // links the method the engine calls first, so a mismatch shows here and not mid-start
            return plugin;
        } catch (ExceptionInInitializerError e) {
            throw new PluginException(entry + ": step plugin " + className + " failed in its static initializer: "
                    + e.getCause(), e.getCause());
        } catch (LinkageError e) {
            throw linkageFailure(entry, className, e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof LinkageError linkage) {
                throw linkageFailure(entry, className, linkage);
            }
            throw new PluginException(entry + ": step plugin " + className + " failed in its constructor: "
                    + e.getCause(), e.getCause());
        } catch (ClassNotFoundException e) {
            throw new PluginException(entry + ": " + SERVICE_FILE + " names " + className
                    + ", but there is no such class in the plugin: fix the file or rebuild the jar", e);
        } catch (NoSuchMethodException e) {
            throw new PluginException(entry + ": step plugin " + className
                    + " has no public constructor without parameters, which the engine needs to create it", e);
        } catch (ReflectiveOperationException e) {
            throw new PluginException(entry + ": cannot create step plugin " + className + ": " + e, e);
        }
    }

    private static PluginException linkageFailure(Path entry, String className, LinkageError error) {
        return new PluginException(entry + ": cannot load step plugin " + className + ": "
                + error.getClass().getSimpleName() + " " + error.getMessage()
                + ": it was probably built against another Quench API; rebuild it against quench-engine-api "
                + PluginApiVersion.engineLine(), error);
    }

    private static void checkApiVersion(Path jar) {
        String builtAgainst;
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            builtAgainst = manifest == null ? null : manifest.getMainAttributes().getValue(QuenchApi.MANIFEST_ATTRIBUTE);
        } catch (IOException e) {
            throw new PluginException(jar + ": cannot read it as a jar (" + e.getMessage() + "): replace it with the "
                    + "plugin's jar or remove it", e);
        }
        if (builtAgainst == null) {
            LOG.warn("{} does not say which Quench API it was built against (no {} in its manifest); loading it anyway. "
                    + "Its build should write that entry (docs/plugins.md).", jar, QuenchApi.MANIFEST_ATTRIBUTE);
            return;
        }
        if (!PluginApiVersion.compatibleWithEngine(builtAgainst)) {
            throw new PluginException(jar + ": built against Quench API " + PluginApiVersion.line(builtAgainst)
                    + ", this engine has " + PluginApiVersion.engineLine() + ": rebuild the plugin against quench-engine-api "
                    + PluginApiVersion.engineLine());
        }
    }

    /** The provider classes the plugin's own jars list (not the engine's, which its parent loader sees). */
    private static Set<String> providerNames(Path entry, PluginClassLoader loader) {
        Set<String> names = new LinkedHashSet<>();
        try {
            for (URL file : Collections.list(loader.findResources(SERVICE_FILE))) {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        int comment = line.indexOf('#');
                        String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginException(entry + ": cannot read " + SERVICE_FILE + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** The entries of the plugins directory: jars and directories, by name; hidden ones are skipped. */
    private static List<Path> entries(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> !path.getFileName().toString().startsWith("."))
                    .filter(path -> Files.isDirectory(path) || path.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list plugins directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> jarsIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.getFileName().toString().endsWith(".jar") && Files.isRegularFile(path))
                    .sorted().toList();
        } catch (IOException e) {
            throw new PluginException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new PluginException("cannot load " + jar + ": " + e.getMessage(), e);
        }
    }
}
