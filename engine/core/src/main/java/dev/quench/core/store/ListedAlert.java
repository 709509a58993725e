package dev.quench.core.store;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Objects;

/**
 * A received alert with the runs it started, oldest first. In JSON the alert's own fields come first, then
 * {@code runs}.
 *
 * @param stored the alert as recorded
 * @param runs   the runs it started (only the team's, for a team-scoped listing)
 */
public record ListedAlert(@JsonUnwrapped StoredAlert stored, List<AlertRun> runs) {

    public ListedAlert {
        Objects.requireNonNull(stored, "stored");
        runs = List.copyOf(runs);
    }
}
