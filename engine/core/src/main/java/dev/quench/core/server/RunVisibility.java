package dev.quench.core.server;

import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;

/**
 * The one place that says which runs the caller of an event stream may see, by runbook name. The API
 * token check has already passed; a token scoped to a team plugs its scope in here, and both event
 * streams (one run, all runs) ask it. A run the caller may not see answers 404, as if it did not exist.
 */
@FunctionalInterface
interface RunVisibility {

    /** The runbooks whose runs the caller of {@code context} may see; called once per stream, on the event loop. */
    Predicate<String> runbooksVisibleTo(RoutingContext context);

    /** Every run: one API token sees everything. */
    static RunVisibility everything() {
        return context -> runbook -> true;
    }
}
