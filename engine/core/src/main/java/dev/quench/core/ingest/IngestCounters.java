package dev.quench.core.ingest;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of the webhook intake and its HTTP server since start, for {@code GET /api/v1/ingest}. Thread-safe. */
public final class IngestCounters {

    public final LongAdder accepted = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder replays = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder refused = new LongAdder();
    public final LongAdder truncated = new LongAdder();
    /** Group commits and the deliveries they held: their ratio shows how much the writer batches. */
    final LongAdder commits = new LongAdder();
    final LongAdder committedDeliveries = new LongAdder();
    /** Journal expansions (one transaction each) and the alerts they stored in the alert table. */
    final LongAdder expansions = new LongAdder();
    final LongAdder expandedAlerts = new LongAdder();
    /** Connections closed at once because ingest.maxConnections were open. */
    public final LongAdder refusedConnections = new LongAdder();
    /** Requests answered 408 or cut because their body did not arrive within ingest.requestTimeout. */
    public final LongAdder timedOutRequests = new LongAdder();

    public JsonObject toJson() {
        return new JsonObject()
                .put("acceptedAlerts", accepted.sum())
                .put("duplicateAlerts", duplicates.sum())
                .put("replayedDeliveries", replays.sum())
                .put("rejectedDeliveries", rejected.sum())
                .put("refusedWhileFull", refused.sum())
                .put("truncatedAlerts", truncated.sum())
                .put("commits", commits.sum())
                .put("committedDeliveries", committedDeliveries.sum())
                .put("expansions", expansions.sum())
                .put("expandedAlerts", expandedAlerts.sum())
                .put("refusedConnections", refusedConnections.sum())
                .put("timedOutRequests", timedOutRequests.sum());
    }
}
