package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The toil ledger's tally of one ISO week's finished runs of one runbook, kept when the runs themselves
 * are pruned (table {@code toil_week}).
 *
 * @param weekStart    Monday 00:00 UTC of the week
 * @param runbook      the runbook
 * @param owner        the runbook's owner when the runs ran
 * @param runs         finished runs the ledger counts
 * @param succeeded    of which succeeded
 * @param failed       of which failed or were cancelled
 * @param minutesSaved engineer minutes they saved
 */
public record ToilWeek(Instant weekStart, String runbook, String owner, int runs, int succeeded, int failed,
                       long minutesSaved) {

    public ToilWeek {
        Objects.requireNonNull(weekStart, "weekStart");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(owner, "owner");
    }
}
