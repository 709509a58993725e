package dev.quench.core.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of runs, newest first, without their steps. Immutable.
 *
 * @param runs the runs of this page
 * @param next where the next (older) page starts; empty on the last page
 */
public record RunPage(List<RunRecord> runs, Optional<RunCursor> next) {

    public RunPage {
        runs = List.copyOf(runs);
        next = next == null ? Optional.empty() : next;
    }
}
