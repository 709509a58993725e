package dev.quench.core.store;

import java.time.Instant;

/**
 * A filter over run history, newest first, one page at a time: {@code GET /api/v1/runs} and the console's
 * runs screen read the same one. Null fields do not filter. Immutable.
 *
 * @param status  where the run is
 * @param runbook the runbook's name
 * @param owner   the owning team (a team-scoped token's view is always its own team)
 * @param trigger what started the run: alert, manual or schedule
 * @param since   queued at or after
 * @param until   queued before
 * @param before  the page starts after this run (the previous page's {@link RunPage#next()})
 * @param limit   at most this many runs
 */
public record RunQuery(RunStatus status, String runbook, String owner, TriggerType trigger, Instant since,
                       Instant until, RunCursor before, int limit) {

    public RunQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
    }

    /** The newest {@code limit} runs, unfiltered. */
    public static RunQuery newest(int limit) {
        return new RunQuery(null, null, null, null, null, null, null, limit);
    }

    /** This query limited to the runs of team {@code newOwner}. */
    public RunQuery withOwner(String newOwner) {
        return new RunQuery(status, runbook, newOwner, trigger, since, until, before, limit);
    }

    /** This query starting after {@code cursor}. */
    public RunQuery withBefore(RunCursor cursor) {
        return new RunQuery(status, runbook, owner, trigger, since, until, cursor, limit);
    }
}
