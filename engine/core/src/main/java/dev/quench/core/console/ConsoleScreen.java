package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import io.vertx.ext.web.Router;

/**
 * One screen of the console: its routes, mounted by {@link Console} behind the session check (a request
 * reaching them is signed in; {@link ConsoleSessions#signedIn} and {@link HttpAccess#principal} say who) and,
 * for anything but GET, the CSRF check. Declare each route's role (and, for a change, its audit action) with
 * {@code access} as the API does:
 * <pre>{@code
 * router.get("/runs").handler(access.read(Role.VIEWER)).handler(this::list);
 * router.post("/runs/:id/cancel").handler(access.change(Role.OPERATOR, "run.cancel", c -> "run " + c.pathParam("id")))
 *         .handler(this::cancel);
 * }</pre>
 * Answer with {@link ConsolePages#page} or {@link ConsolePages#fragment}.
 */
@FunctionalInterface
public interface ConsoleScreen {

    void mount(Router router, HttpAccess access, ConsolePages pages);
}
