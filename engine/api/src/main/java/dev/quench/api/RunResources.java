package dev.quench.api;

import java.util.concurrent.Callable;

/**
 * Resources that live as long as one run, so that its steps can share them (one SSH connection
 * per host for all the steps of a run). Every resource is closed when the run ends, in reverse
 * order of creation. Thread-safe.
 */
public interface RunResources {

    /**
     * The resource under {@code key}, created by {@code factory} on first use. Concurrent callers
     * with the same key get the same instance; a failed creation is not cached.
     */
    <T extends AutoCloseable> T computeIfAbsent(String key, Class<T> type, Callable<T> factory) throws Exception;
}
