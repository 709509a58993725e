package dev.quench.core.exec;

import dev.quench.api.RunResources;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The resources of one run; closed in reverse order of creation when the run ends. Thread-safe. */
final class RunScopedResources implements RunResources, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunScopedResources.class);

    private final String runId;
    private final Map<String, AutoCloseable> byKey = new HashMap<>();
    private final Deque<AutoCloseable> creationOrder = new ArrayDeque<>();
    private boolean closed;

    RunScopedResources(String runId) {
        this.runId = runId;
    }

    @Override
    public synchronized <T extends AutoCloseable> T computeIfAbsent(String key, Class<T> type, Callable<T> factory)
            throws Exception {
        if (closed) {
            throw new IllegalStateException("run " + runId + " has ended; its resources are closed");
        }
        AutoCloseable existing = byKey.get(key);
        if (existing != null) {
            return type.cast(existing);
        }
        // Creation happens under the lock: steps of one run are sequential, so this never
        // serialises real work, and two callers never open two connections for one key.
        T created = factory.call();
        byKey.put(key, created);
        creationOrder.push(created);
        return created;
    }

    @Override
    public synchronized void close() {
        closed = true;
        while (!creationOrder.isEmpty()) {
            AutoCloseable resource = creationOrder.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("run {}: closing {} failed", runId, resource, e);
            }
        }
        byKey.clear();
    }
}
