package dev.quench.core.store;

import java.util.Objects;
import java.util.Optional;

/**
 * A run just claimed from the queue: its lease, the run as claimed (running), and the stored alert that
 * started it (empty for a run without one, or whose alert retention removed).
 */
public record ClaimedRun(RunLease lease, RunRecord run, Optional<StoredAlert> alert) {

    public ClaimedRun {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(alert, "alert");
    }
}
