package dev.quench.core.console;

import dev.quench.core.store.RunPage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the runs screen shows: the filter as given, one page of rows, where the next page is, and the team
 * the viewer is limited to (its filter is fixed). Immutable.
 *
 * @param filter    the filter form's values
 * @param rows      the runs of this page, newest first
 * @param nextUrl   the next (older) page with the same filter; empty on the last page
 * @param fixedTeam the caller's team when its token is scoped to one
 * @param error     why the filter was refused (the rows are then empty), or empty
 */
public record RunsView(RunFilterForm filter, List<RunRow> rows, Optional<String> nextUrl, Optional<String> fixedTeam,
                       Optional<String> error) {

    public RunsView {
        rows = List.copyOf(rows);
    }

    /** The view of {@code page} read with {@code filter}. */
    public static RunsView of(RunFilterForm filter, RunPage page, Optional<String> fixedTeam, Instant now) {
        return new RunsView(filter, page.runs().stream().map(run -> RunRow.of(run, now)).toList(),
                page.next().map(cursor -> filter.urlBefore(cursor.token())), fixedTeam, Optional.empty());
    }

    /** The one poll that keeps this page's unfinished rows up to date; empty when every row has finished. */
    public Optional<String> liveUrl() {
        return LiveRows.pollUrl(rows);
    }

    /** The screen when the filter cannot be read: the form with the message, no rows. */
    public static RunsView refused(RunFilterForm filter, Optional<String> fixedTeam, String why) {
        return new RunsView(filter, List.of(), Optional.empty(), fixedTeam, Optional.of(why));
    }
}
