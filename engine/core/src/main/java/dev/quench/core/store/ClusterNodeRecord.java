package dev.quench.core.store;

import java.time.Instant;
import java.util.List;

/**
 * A node of the cluster as the store knows it.
 *
 * @param id            its node id ({@code cluster.nodeId})
 * @param address       where it serves HTTP
 * @param startedAt     when it started
 * @param lastHeartbeat when it last renewed its leases
 * @param runningRuns   the runs it holds now (running, leased to it)
 */
public record ClusterNodeRecord(String id, String address, Instant startedAt, Instant lastHeartbeat,
                                List<String> runningRuns) {

    public ClusterNodeRecord {
        runningRuns = List.copyOf(runningRuns);
    }
}
