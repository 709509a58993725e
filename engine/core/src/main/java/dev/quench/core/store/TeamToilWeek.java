package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One team's toil in one ISO week, as the toil share counts it (table {@code toil_team_week} keeps it when the
 * runs are pruned).
 *
 * @param weekStart       Monday 00:00 UTC of the week
 * @param owner           the team (the runbooks' owner)
 * @param minutesSaved    minutes its runs saved
 * @param minutesIncurred manual minutes its failed, cancelled or interrupted runs left to people
 * @param approvals       human approvals of its runs
 */
public record TeamToilWeek(Instant weekStart, String owner, long minutesSaved, long minutesIncurred, int approvals) {

    public TeamToilWeek {
        Objects.requireNonNull(weekStart, "weekStart");
        Objects.requireNonNull(owner, "owner");
    }
}
