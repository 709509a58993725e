package dev.quench.core.store;

import java.util.Objects;

/**
 * A node's hold on one running run: every write of the run's state names it, and is made only while
 * the run is still owned by {@code node} at {@code generation} (fencing). A claim and a takeover each
 * start a new generation, so a node whose lease lapsed and was taken over can no longer write.
 *
 * @param runId      the run
 * @param node       the node id that holds it
 * @param generation the lease generation this holder was given
 */
public record RunLease(String runId, String node, long generation) {

    public RunLease {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(node, "node");
    }
}
