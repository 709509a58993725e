package dev.quench.core.ingest;

import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.metrics.EngineMetrics.Outcome;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The webhook intake's and its HTTP server's totals since start, kept on the engine's metrics (so
 * {@code GET /metrics} shows them) and read back from the same meters for {@code GET /api/v1/ingest}.
 * Thread-safe.
 */
public final class IngestCounters {

    private final EngineMetrics metrics;
    private final Counter replays;
    private final Counter truncated;
    /** Group commits and the deliveries they held: their ratio shows how much the writer batches. */
    private final Counter commits;
    private final Counter committedDeliveries;
    /** Journal expansions (one transaction each) and the alerts they stored in the alert table. */
    private final Counter expansions;
    private final Counter expandedAlerts;
    /** Connections closed at once because ingest.maxConnections were open. */
    private final Counter refusedConnections;
    /** Requests answered 408 or cut because their body did not arrive within ingest.requestTimeout. */
    private final Counter timedOutRequests;

    public IngestCounters(EngineMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        replays = metrics.counter("quench.ingest.replayed.deliveries",
                "Deliveries whose id was recorded before (answered as before, nothing stored twice)");
        truncated = metrics.counter("quench.ingest.truncated.alerts",
                "Alerts the sender left out of a group (Alertmanager truncatedAlerts): never seen by Quench");
        commits = metrics.counter("quench.ingest.commits", "Group commits of the intake's writer");
        committedDeliveries = metrics.counter("quench.ingest.committed.deliveries", "Deliveries those commits held");
        expansions = metrics.counter("quench.ingest.journal.expansions", "Journal expansions (one transaction each)");
        expandedAlerts = metrics.counter("quench.ingest.journal.expanded.alerts",
                "Alerts journal expansions stored in the alert table");
        refusedConnections = metrics.counter("quench.http.refused.connections",
                "Connections closed at once because ingest.maxConnections were open");
        timedOutRequests = metrics.counter("quench.http.timed.out.requests",
                "Requests whose body did not arrive within ingest.requestTimeout");
    }

    /** A delivery from {@code source} was recorded: {@code created} of its {@code received} alerts were new. */
    public void recorded(String source, int received, int created) {
        metrics.alertsReceived(source, Outcome.NEW, created);
        metrics.alertsReceived(source, Outcome.DUPLICATE, received - created);
    }

    /** A delivery from {@code source} could not be read (400 or 413). */
    public void rejected(String source) {
        metrics.alertsReceived(source, Outcome.REJECTED, 1);
    }

    /** A delivery of {@code alerts} alerts from {@code source} was answered 503 because the intake was full. */
    public void refused(String source, int alerts) {
        metrics.alertsReceived(source, Outcome.REFUSED, Math.max(1, alerts));
    }

    /**
     * A new firing alert that matches no runbook was stored ({@code quench_manual_toil_seconds_total}, at the
     * ledger's minutes per manual alert). Counted when the store decides it, inside its transaction: a
     * transaction that fails and is retried counts it again (rare; the ledger itself reads the store).
     */
    public void unmatchedFiring(String alertname) {
        metrics.manualToil(alertname, ToilLedger.DEFAULT_MINUTES_PER_MANUAL_ALERT);
    }

    public void replayed() {
        replays.increment();
    }

    public void truncated(int alerts) {
        truncated.increment(alerts);
    }

    void committed(int deliveries) {
        commits.increment();
        committedDeliveries.increment(deliveries);
    }

    void expanded(long alerts) {
        expansions.increment();
        expandedAlerts.increment(alerts);
    }

    public void refusedConnection() {
        refusedConnections.increment();
    }

    public long refusedConnections() {
        return (long) refusedConnections.count();
    }

    public void timedOutRequest() {
        timedOutRequests.increment();
    }

    /** The figures of {@code GET /api/v1/ingest}, read from the meters. */
    public JsonObject toJson() {
        long created = metrics.alertsReceived(Outcome.NEW);
        long duplicates = metrics.alertsReceived(Outcome.DUPLICATE);
        return new JsonObject()
                .put("acceptedAlerts", created + duplicates)
                .put("duplicateAlerts", duplicates)
                .put("replayedDeliveries", (long) replays.count())
                .put("rejectedDeliveries", metrics.alertsReceived(Outcome.REJECTED))
                .put("refusedWhileFull", metrics.alertsReceived(Outcome.REFUSED))
                .put("truncatedAlerts", (long) truncated.count())
                .put("commits", (long) commits.count())
                .put("committedDeliveries", (long) committedDeliveries.count())
                .put("expansions", (long) expansions.count())
                .put("expandedAlerts", (long) expandedAlerts.count())
                .put("refusedConnections", (long) refusedConnections.count())
                .put("timedOutRequests", (long) timedOutRequests.count());
    }
}
