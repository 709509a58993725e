package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.Principal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code GET /login}, {@code POST /login} (a token in, a session cookie out) and {@code POST /logout}. A token
 * that is not accepted is answered 401 with the sign-in page and its reason, counted with the API's failed
 * authentications (slowed down when repeated, on the audit trail as {@code auth.failed}); no session is made.
 * Sign-in and sign-out are on the audit trail as {@code console.signin} and {@code console.signout}.
 */
final class LoginRoutes {

    /** Where a sign-in may lead: a path of this console, nothing that could leave it ("//host", "/\host"). */
    private static final Pattern LOCAL_PATH = Pattern.compile("/(?![/\\\\])[A-Za-z0-9/._~%?=&+-]{0,512}");
    static final String HOME = "/runs";

    private final HttpAccess access;
    private final ConsoleSessions sessions;
    private final ConsolePages pages;

    LoginRoutes(HttpAccess access, ConsoleSessions sessions, ConsolePages pages) {
        this.access = Objects.requireNonNull(access, "access");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.pages = Objects.requireNonNull(pages, "pages");
    }

    /** The routes that work without a session. */
    void mountSignIn(Router router) {
        router.get("/login").handler(this::form);
        router.post("/login").handler(this::signIn);
    }

    /** The routes behind the session and CSRF checks. */
    void mountSignedIn(Router router) {
        router.post("/logout").handler(this::signOut);
    }

    /** Where to send a browser that is not signed in, coming back to {@code path} afterwards. */
    static String loginFor(String pathAndQuery, boolean ended) {
        return "/login?next=" + URLEncoder.encode(local(pathAndQuery), StandardCharsets.UTF_8) + (ended ? "&ended=1" : "");
    }

    private void form(RoutingContext context) {
        String notice = context.request().getParam("ended") != null
                ? "Your session has ended (signed out, expired, or its token revoked): sign in again."
                : context.request().getParam("signedOut") != null ? "You have signed out." : "";
        context.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end(loginPage(local(context.request().getParam("next")), notice, ""));
    }

    private void signIn(RoutingContext context) {
        String next = local(context.request().getFormAttribute("next"));
        String originProblem = CsrfCheck.originProblem(context);
        if (originProblem != null) {
            pages.error(context, 403, "Sign-in refused", originProblem);
            return;
        }
        switch (access.check(context.request().getFormAttribute("token"))) {
            case HttpAccess.TokenCheck.Accepted accepted -> sessions.start(context, accepted).onComplete(started -> {
                if (started.failed()) {
                    pages.error(context, 503, "Cannot sign in now", "the session could not be stored: "
                            + started.cause().getMessage() + "; nothing was kept. Try again shortly.");
                    return;
                }
                Principal principal = accepted.principal();
                access.audit(context, principal, "console.signin", "console", "ok", "session until "
                        + started.result().session().expiresAt());
                context.response().setStatusCode(303).putHeader("Location", next).end();
            });
            case HttpAccess.TokenCheck.Refused refused -> {
                HttpAccess.answerErrorsWith(context, (status, error, detail) ->
                        loginPage(next, "", "That token was not accepted: " + detail));
                access.refuseSignIn(context, refused.detail());
            }
            case HttpAccess.TokenCheck.Unavailable unavailable ->
                    pages.error(context, 503, "Cannot sign in now", unavailable.detail());
        }
    }

    private void signOut(RoutingContext context) {
        Principal principal = HttpAccess.principal(context);
        sessions.end(context).onComplete(ended -> {
            if (ended.failed()) {
                pages.error(context, 503, "Cannot sign out now", "the session could not be removed from the store: "
                        + ended.cause().getMessage() + "; the cookie was cleared in this browser. Try again shortly.");
                return;
            }
            access.audit(context, principal, "console.signout", "console", "ok", "session ended");
            context.response().setStatusCode(303).putHeader("Location", "/login?signedOut=1").end();
        });
    }

    private String loginPage(String next, String notice, String error) {
        return pages.templates().render("console/login.jte", Map.of("next", next, "notice", notice, "error", error,
                "css", pages.assets().url("console.css")));
    }

    /** {@code path} when it is a path of this console other than the sign-in pages, else {@link #HOME}. */
    static String local(String path) {
        if (path == null || !LOCAL_PATH.matcher(path).matches() || path.startsWith("/login")
                || path.startsWith("/logout")) {
            return HOME;
        }
        return path;
    }
}
