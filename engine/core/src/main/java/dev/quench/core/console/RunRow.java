package dev.quench.core.console;

import dev.quench.core.store.RunRecord;
import java.time.Instant;
import java.util.Objects;

/**
 * One row of the runs screen. Immutable; every text is plain (the template escapes it).
 *
 * @param id            the run's id (links to {@code /runs/{id}})
 * @param shortId       its first 8 characters, for reading
 * @param runbook       the runbook's name
 * @param team          the owning team, or empty
 * @param trigger       alert, manual or schedule
 * @param triggerDetail which alert, or who asked
 * @param status        the status's wire name ({@code awaiting_approval}); also the row's CSS class
 * @param dryRun        planned only
 * @param created       when it was queued, UTC
 * @param createdIso    the same, machine-readable
 * @param duration      how long it ran (so far, while it runs), or empty before it starts
 * @param live          it has not finished: the row keeps itself up to date
 */
public record RunRow(String id, String shortId, String runbook, String team, String trigger, String triggerDetail,
                     String status, boolean dryRun, String created, String createdIso, String duration, boolean live) {

    public RunRow {
        Objects.requireNonNull(id, "id");
    }

    /** The row of {@code run} as of {@code now}. */
    public static RunRow of(RunRecord run, Instant now) {
        Instant end = run.finishedAt() != null ? run.finishedAt() : now;
        return new RunRow(run.id(), run.id().length() > 8 ? run.id().substring(0, 8) : run.id(), run.runbook(),
                run.owner() == null ? "" : run.owner(),
                run.triggerType() == null ? "" : run.triggerType().wireName(),
                run.triggerDetail() == null ? "" : run.triggerDetail(), run.status().wireName(), run.dryRun(),
                RunTimeFormat.time(run.createdAt()), RunTimeFormat.iso(run.createdAt()),
                RunTimeFormat.duration(run.startedAt(), end), !run.status().finished());
    }

    /** The label shown for the status: {@code awaiting approval}. */
    public String statusLabel() {
        return status.replace('_', ' ');
    }
}
