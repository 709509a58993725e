package dev.quench.testkit;

import dev.quench.api.RunResources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The engine's per-run resources reduced to what {@link RunResources} promises: one instance per key, a
 * failed creation not cached, everything closed in reverse order by {@link #close()} (the end of the run).
 * Thread-safe.
 */
public final class TestRunResources implements RunResources, AutoCloseable {

    private final Map<String, AutoCloseable> resources = new LinkedHashMap<>();

    @Override
    public synchronized <T extends AutoCloseable> T computeIfAbsent(String key, Class<T> type, Callable<T> factory)
            throws Exception {
        AutoCloseable existing = resources.get(key);
        if (existing != null) {
            return type.cast(existing);
        }
        T created = factory.call();
        resources.put(key, created);
        return created;
    }

    /** How many resources the run holds now. */
    public synchronized int size() {
        return resources.size();
    }

    /** Ends the run: closes every resource, newest first. */
    @Override
    public synchronized void close() {
        List<AutoCloseable> reversed = new ArrayList<>(resources.values());
        Collections.reverse(reversed);
        resources.clear();
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resource + " failed", e);
            }
        }
    }
}
