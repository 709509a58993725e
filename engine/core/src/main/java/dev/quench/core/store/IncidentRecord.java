package dev.quench.core.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An incident as recorded: alerts that belong together (one group key) and the runs they started. Times are
 * Quench's clock: when its alerts were received, when its first run started, when it was approved.
 *
 * @param id              incident id
 * @param groupKey        what its alerts share ({@code instance=redis-1:6379})
 * @param title           the first alert's name and group ({@code RedisDown on instance=redis-1:6379})
 * @param owner           the team owning the runbook its first alert matched
 * @param openedAt        when its first alert was received
 * @param lastAlertAt     when its latest alert was received
 * @param resolvedAt      when its last alert resolved or its last run ended, whichever was later; null while open
 * @param firstResponseAt its first run's start or first human approval, whichever came first; null before either
 * @param alerts          alert rows (firing and resolved) it holds
 * @param runs            runs its alerts started
 * @param runbooks        the runbooks of those runs, in name order
 */
// The order is fixed: Jackson orders the derived properties as reflection lists the methods, which varies by JVM.
@JsonPropertyOrder({"id", "groupKey", "title", "owner", "openedAt", "lastAlertAt", "resolvedAt", "firstResponseAt",
        "alerts", "runs", "runbooks", "status", "mttaSeconds", "mttrSeconds"})
public record IncidentRecord(String id, String groupKey, String title, String owner, Instant openedAt,
                             Instant lastAlertAt, Instant resolvedAt, Instant firstResponseAt, int alerts, int runs,
                             List<String> runbooks) {

    public IncidentRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(openedAt, "openedAt");
        runbooks = runbooks == null ? List.of() : List.copyOf(runbooks);
    }

    /** {@code open} or {@code resolved}. */
    @JsonProperty("status")
    public String status() {
        return resolvedAt == null ? "open" : "resolved";
    }

    /** Time to acknowledge: first alert to first run start or approval, in seconds; null before either. */
    @JsonProperty("mttaSeconds")
    public Long mttaSeconds() {
        return firstResponseAt == null ? null : Math.max(0, Duration.between(openedAt, firstResponseAt).toSeconds());
    }

    /** Time to resolve: first alert to resolution, in seconds; null while open. */
    @JsonProperty("mttrSeconds")
    public Long mttrSeconds() {
        return resolvedAt == null ? null : Math.max(0, Duration.between(openedAt, resolvedAt).toSeconds());
    }
}
