package dev.quench.core.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of received alerts, newest first, each with the runs it started.
 *
 * @param alerts the page's alerts
 * @param next   the {@code before} cursor of the next (older) page, or empty on the last page
 */
public record AlertPage(List<ListedAlert> alerts, Optional<Long> next) {

    public AlertPage {
        alerts = List.copyOf(alerts);
        next = next == null ? Optional.empty() : next;
    }
}
