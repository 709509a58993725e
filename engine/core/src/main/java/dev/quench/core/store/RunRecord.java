package dev.quench.core.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run as recorded: what started it, how it ended, each step, and the toil it saved.
 *
 * @param id               run id
 * @param runbook          runbook name
 * @param owner            the runbook's owning team
 * @param triggerType      alert, manual or schedule
 * @param triggerDetail    which alert ({@code DiskSpaceLow web-7:9100}) or who asked
 * @param alertId          the alert that started it, or null
 * @param status           where the run is
 * @param dryRun           planned only, nothing changed
 * @param params           the params it ran with
 * @param manualMinutes    what handling it by hand costs
 * @param toilSavedMinutes what this run saved (0 unless it succeeded without a human)
 * @param message          why it failed or was cancelled; empty otherwise
 * @param createdAt        when it was queued
 * @param startedAt        when its first step started, or null
 * @param finishedAt       when it ended, or null
 * @param steps            its steps in order
 */
public record RunRecord(String id, String runbook, String owner, TriggerType triggerType, String triggerDetail,
                        Long alertId, RunStatus status, boolean dryRun, Map<String, Object> params,
                        int manualMinutes, int toilSavedMinutes, String message, Instant createdAt,
                        Instant startedAt, Instant finishedAt, List<StepRecord> steps) {

    public RunRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(status, "status");
        params = params == null ? Map.of() : params;
        message = message == null ? "" : message;
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    public RunRecord withSteps(List<StepRecord> newSteps) {
        return new RunRecord(id, runbook, owner, triggerType, triggerDetail, alertId, status, dryRun, params,
                manualMinutes, toilSavedMinutes, message, createdAt, startedAt, finishedAt, newSteps);
    }

    /** This queued run as a claim records it: running, started at {@code startedAt}. */
    RunRecord claimed(Instant startedAt) {
        return new RunRecord(id, runbook, owner, triggerType, triggerDetail, alertId, RunStatus.RUNNING, dryRun, params,
                manualMinutes, toilSavedMinutes, message, createdAt, startedAt, finishedAt, steps);
    }
}
