package dev.quench.core.server;

import dev.quench.core.dispatch.RunbookRegistry;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;

/**
 * The one place that says which runs the caller of an event stream may see, by runbook name. The token
 * check has already passed (viewer or above); a token scoped to a team sees the runs of the runbooks that
 * team owns, and both event streams (one run, all runs) ask here. A run the caller may not see answers
 * 404, as if it did not exist.
 */
@FunctionalInterface
interface RunVisibility {

    /** The runbooks whose runs the caller of {@code context} may see; called once per stream, on the event loop. */
    Predicate<String> runbooksVisibleTo(RoutingContext context);

    /**
     * By the caller's team: an unscoped token sees every run; a scoped one the runs of runbooks whose
     * {@code owner} is its team, as loaded now (a runbook no longer loaded has no owner to match, so a
     * scoped token no longer sees its runs).
     */
    static RunVisibility byTeam(RunbookRegistry runbooks) {
        return context -> {
            Principal principal = Access.principal(context);
            if (principal.teamIfScoped().isEmpty()) {
                return runbook -> true;
            }
            return runbook -> runbooks.find(runbook).map(loaded -> principal.covers(loaded.owner())).orElse(false);
        };
    }
}
