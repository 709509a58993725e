package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A run an alert started, as an alert listing shows it (the run itself: {@code GET /api/v1/runs/{id}}).
 *
 * @param id         run id
 * @param runbook    runbook name
 * @param owner      the runbook's owning team
 * @param status     where the run is
 * @param dryRun     planned only, nothing changed
 * @param createdAt  when it was queued
 * @param finishedAt when it ended, or null
 */
public record AlertRun(String id, String runbook, String owner, RunStatus status, boolean dryRun, Instant createdAt,
                       Instant finishedAt) {

    public AlertRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(status, "status");
    }
}
