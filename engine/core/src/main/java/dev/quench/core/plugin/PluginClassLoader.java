package dev.quench.core.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin (a jar, or a directory of a jar and its {@code lib/}): child-first, so
 * that two plugins bundling different versions of one library each see their own, except for the
 * packages all plugins must share with the engine. {@code dev.quench.api} and the JDK come only from the
 * engine, so a plugin's classes link against the engine's API or fail to load; the logging API (slf4j)
 * comes from the engine first, so plugins log through the engine's logging. Thread-safe.
 */
final class PluginClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    /** Only ever from the engine: a copy inside a plugin is ignored. */
    private static final List<String> ENGINE_ONLY = List.of("java.", "jdk.", "sun.", "com.sun.", "dev.quench.api.");

    /** From the engine first, from the plugin only if the engine lacks it ({@code javax.inject} and the like). */
    private static final List<String> ENGINE_FIRST = List.of("javax.", "org.w3c.", "org.xml.", "org.slf4j.");

    PluginClassLoader(String name, URL[] urls, ClassLoader engine) {
        super(name, urls, engine);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = startsWithAny(name, ENGINE_ONLY) ? getParent().loadClass(name)
                        : startsWithAny(name, ENGINE_FIRST) ? engineThenPlugin(name)
                        : pluginThenEngine(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    private Class<?> engineThenPlugin(String name) throws ClassNotFoundException {
        try {
            return getParent().loadClass(name);
        } catch (ClassNotFoundException ignored) {
            // not one the engine has: the plugin may bundle it
            return findClass(name);
        }
    }

    private Class<?> pluginThenEngine(String name) throws ClassNotFoundException {
        try {
            return findClass(name);
        } catch (ClassNotFoundException ignored) {
            // not bundled by the plugin: the engine's (or the JDK's) then
            return getParent().loadClass(name);
        }
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
