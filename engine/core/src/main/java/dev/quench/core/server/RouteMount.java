package dev.quench.core.server;

import io.vertx.ext.web.Router;

/**
 * Routes that a layer above the server (the console) adds to the API's router, after the API's own routes
 * and before its last "not found": the composition root hands one to {@link ApiServer#start}, so the server
 * never imports what it mounts.
 */
@FunctionalInterface
public interface RouteMount {

    /** Adds routes to {@code router}; {@code access} checks who may call them, as the API's routes do. */
    void mount(Router router, HttpAccess access);
}
