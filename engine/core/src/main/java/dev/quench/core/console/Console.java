package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.RouteMount;
import dev.quench.core.store.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Objects;

/**
 * The web console on the API's router: every path outside {@code /api}, {@code /hooks}, {@code /metrics} and
 * {@code /health}. In order: security headers and HTML error pages on every console answer; {@code /assets};
 * the sign-in pages; then the session check (not signed in: to {@code /login}) and, for changes, the CSRF
 * check; then the screens; then the console's "not found" page. Thread-safe.
 */
public final class Console implements RouteMount {

    /** The console's paths: everything but the API's, the webhooks', the metrics' and the health checks'. */
    static final String PATHS = "^/(?!api(?:/|$)|hooks(?:/|$)|metrics(?:/|$)|health(?:/|$)).*";
    /** A form body at most (a sign-in, a reason, a run's parameters). */
    static final long FORM_LIMIT = 256 * 1024;

    private final ConsoleParts parts;
    private final ConsoleSettings settings;
    private final ConsolePages pages;

    public Console(ConsoleParts parts, ConsoleSettings settings) {
        this.parts = Objects.requireNonNull(parts, "parts");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pages = new ConsolePages(parts.vertx(), parts.store(), parts.dispatcher().killSwitch(),
                new ConsoleTemplates(), ConsoleAssets.load());
    }

    /** The screens, in no particular order (each owns its paths). */
    private List<ConsoleScreen> screens() {
        return List.of(
                new KillSwitchScreen(parts.vertx(), new dev.quench.core.server.KillSwitchActions(parts.dispatcher())),
                new AuditScreen(parts.store(), parts.clock()),
                new RunsScreen(parts),
                new ApprovalsScreen(parts), new RunbooksScreen(parts), new SchedulesScreen(parts),
                new AlertsScreen(parts.store(), parts.clock()),
                new ToilScreen(new ToilViews(parts.ledger(), parts.clock())));
    }

    @Override
    public void mount(Router router, HttpAccess access) {
        ConsoleSessions sessions = new ConsoleSessions(parts.vertx(), parts.store(), access, settings, parts.clock());
        LoginRoutes login = new LoginRoutes(access, sessions, pages);
        router.routeWithRegex(PATHS).handler(this::prepare);
        router.get("/assets/:name").handler(context -> {
            if (!pages.assets().serve(context)) {
                pages.error(context, 404, "Not found", "there is no console asset " + context.request().path());
            }
        });
        router.routeWithRegex(HttpMethod.POST, PATHS).handler(BodyHandler.create(false).setBodyLimit(FORM_LIMIT));
        login.mountSignIn(router);
        router.routeWithRegex(PATHS).handler(context -> requireSession(context, sessions, access));
        router.get("/").handler(context -> context.response().setStatusCode(303)
                .putHeader("Location", LoginRoutes.HOME).end());
        login.mountSignedIn(router);
        router.get("/badge/approvals").handler(access.read(Role.VIEWER)).handler(pages::headerPoll);
        for (ConsoleScreen screen : screens()) {
            screen.mount(router, access, pages);
        }
        router.routeWithRegex(PATHS).handler(context -> pages.error(context, 404, "Not found",
                context.request().path() + " is not a page of the Quench console"));
    }

    /** Every console answer: the security headers, and errors as pages rather than the API's JSON. */
    private void prepare(RoutingContext context) {
        SecurityHeaders.add(context);
        HttpAccess.answerErrorsWith(context, pages::errorPage);
        context.next();
    }

    private void requireSession(RoutingContext context, ConsoleSessions sessions, HttpAccess access) {
        boolean hadCookie = context.request().getCookie(ConsoleSessions.COOKIE) != null;
        sessions.lookUp(context).onComplete(looked -> {
            if (looked.failed()) {
                pages.error(context, 503, "Cannot check your session now", "the store did not answer ("
                        + looked.cause().getMessage() + "); nothing was done. Try again shortly.");
                return;
            }
            switch (looked.result()) {
                case ConsoleSessions.Lookup.Found found -> {
                    if (CsrfCheck.changes(context)) {
                        String problem = CsrfCheck.originProblem(context);
                        if (problem == null) {
                            problem = CsrfCheck.tokenProblem(context, found.signedIn());
                        }
                        if (problem != null) {
                            access.audit(context, found.signedIn().principal(), context.request().method() + " "
                                    + context.request().path(), context.request().path(), "forbidden", "403 " + problem);
                            pages.error(context, 403, "Request refused", problem);
                            return;
                        }
                    }
                    context.next();
                }
                case ConsoleSessions.Lookup.Missing missing -> notSignedIn(context, hadCookie, sessions);
                case ConsoleSessions.Lookup.Unavailable unavailable -> {
                    context.response().putHeader("Retry-After", "5");
                    pages.error(context, 503, "Cannot check your session now", unavailable.detail());
                }
            }
        });
    }

    /** A page goes to the sign-in page and back; anything else (htmx, a form) is told 401 and htmx is redirected. */
    private void notSignedIn(RoutingContext context, boolean hadCookie, ConsoleSessions sessions) {
        if (hadCookie) {
            sessions.end(context);
        }
        String login = LoginRoutes.loginFor(context.request().uri(), hadCookie);
        boolean htmx = context.request().getHeader("HX-Request") != null;
        if (context.request().method() == HttpMethod.GET && !htmx) {
            context.response().setStatusCode(303).putHeader("Location", login).end();
            return;
        }
        if (htmx) {
            context.response().putHeader("HX-Redirect", login);
        }
        pages.error(context, 401, "Not signed in", "your session has ended (signed out, expired, or its token "
                + "revoked); nothing was done. Sign in again at /login.");
    }
}
