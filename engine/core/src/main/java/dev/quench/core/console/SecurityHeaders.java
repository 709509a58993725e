package dev.quench.core.console;

import io.vertx.ext.web.RoutingContext;

/**
 * The headers on every console answer: a Content-Security-Policy allowing only Quench's own scripts, styles
 * and forms (so no inline script or style runs, and no page frames the console), no MIME sniffing, no
 * referrer to other sites, and pages never cached (assets set their own cache).
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

    private SecurityHeaders() {
    }

    static void add(RoutingContext context) {
        context.response()
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader("Cache-Control", "no-store");
    }
}
