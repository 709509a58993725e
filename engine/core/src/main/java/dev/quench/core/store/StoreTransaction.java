package dev.quench.core.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * One open transaction on the store, handed to the code inside {@link Store#inTransaction} and
 * passed on to the repository methods that must share it (insert a run, then admit it under the
 * same locks). Only this package can reach the connection behind it, so SQL stays here. Not
 * thread-safe: it belongs to the thread that opened it, and is invalid once the callback returns.
 */
public final class StoreTransaction {

    private final Handle handle;
    /** Queued runs as admission counts them in this transaction (see GuardRepository#queueDepth); null until read. */
    private QueueTally queueTally;
    /** Incidents this transaction opened or joined, by group key, with their group rows locked (see IncidentRepository#place). */
    private final Map<String, PlacedIncident> placedIncidents = new HashMap<>();

    StoreTransaction(Handle handle) {
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    Handle handle() {
        return handle;
    }

    QueueTally queueTally() {
        return queueTally;
    }

    void queueTally(QueueTally tally) {
        this.queueTally = tally;
    }

    Map<String, PlacedIncident> placedIncidents() {
        return placedIncidents;
    }
}
