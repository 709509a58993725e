package dev.quench.core.console;

import dev.quench.core.guard.KillSwitch;
import dev.quench.core.server.Principal;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers console requests with rendered templates. A screen loads its data in a {@link Callable} that runs
 * off the event loop (it may read the store) and names its template; the layout's data (the kill switch, the
 * approvals badge, who is signed in) is read in the same blocking call. A failure is answered with the
 * console's error page. Thread-safe.
 */
public final class ConsolePages {

    private static final Logger LOG = LoggerFactory.getLogger(ConsolePages.class);

    private final Vertx vertx;
    private final Store store;
    private final KillSwitch killSwitch;
    private final ConsoleTemplates templates;
    private final ConsoleAssets assets;

    ConsolePages(Vertx vertx, Store store, KillSwitch killSwitch, ConsoleTemplates templates, ConsoleAssets assets) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.assets = Objects.requireNonNull(assets, "assets");
    }

    /**
     * Answers 200 with a full page: {@code template} gets {@code page} (the layout's {@link ConsolePage}) and
     * whatever {@code load} returns.
     *
     * @param section the navigation entry to mark current ({@link ConsolePage.Nav#key()})
     */
    public void page(RoutingContext context, String template, String title, String section,
                     Callable<Map<String, Object>> load) {
        ConsoleSessions.SignedIn signedIn = ConsoleSessions.signedIn(context);
        vertx.executeBlocking(() -> {
            Map<String, Object> params = new HashMap<>(load.call());
            params.put("page", layout(signedIn, title, section, context.request().uri()));
            return templates.render(template, params);
        }, false).onComplete(rendered -> send(context, rendered.failed() ? null : rendered.result(),
                rendered.cause(), title));
    }

    /** Answers 200 with a piece of a page (an htmx swap): {@code template} gets what {@code load} returns. */
    public void fragment(RoutingContext context, String template, Callable<Map<String, Object>> load) {
        vertx.executeBlocking(() -> templates.render(template, load.call()), false)
                .onComplete(rendered -> send(context, rendered.failed() ? null : rendered.result(), rendered.cause(),
                        template));
    }

    /** Answers {@code status} with the console's error page. */
    public void error(RoutingContext context, int status, String error, String detail) {
        if (context.response().ended()) {
            return;
        }
        context.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                .end(errorPage(status, error, detail));
    }

    /** The console's error page (no layout: it must render when nothing else does). */
    public String errorPage(int status, String error, String detail) {
        return templates.render("console/error.jte", Map.of("status", status, "error", error,
                "detail", detail == null ? "" : detail, "css", assets.url("console.css")));
    }

    /** The layout's data for {@code signedIn}; blocking (reads the store). */
    ConsolePage layout(ConsoleSessions.SignedIn signedIn, String title, String section, String path) {
        Principal principal = signedIn.principal();
        return new ConsolePage(title, section, principal.name(), principal.role(), principal.team(),
                signedIn.csrfToken(), killSwitch.state(), awaitingApproval(principal), assets, LoginRoutes.local(path));
    }

    /**
     * The header's poll, from every page every 5 seconds ({@code GET /badge/approvals?paused=}): the approvals
     * badge, and when the kill switch is no longer as the page shows it ({@code paused=} says how), the kill
     * switch's part of the layout again, swapped in out of band. Only a change is sent, so a reason being typed
     * into the pause or resume form is left alone.
     */
    void headerPoll(RoutingContext context) {
        ConsoleSessions.SignedIn signedIn = ConsoleSessions.signedIn(context);
        boolean shownPaused = "true".equals(context.request().getParam("paused"));
        String pagePath = pagePath(context.request().getHeader("HX-Current-URL"));
        fragment(context, "console/badge.jte", () -> {
            ConsolePage page = layout(signedIn, "", "", pagePath);
            Map<String, Object> params = new HashMap<>();
            params.put("count", page.awaitingApproval());
            params.put("paused", page.killSwitch().paused());
            params.put("changedKillSwitch", page.killSwitch().paused() == shownPaused ? null : page);
            return params;
        });
    }

    /** The path and query of the page htmx polls from (its {@code HX-Current-URL}), for the forms' way back. */
    private static String pagePath(String currentUrl) {
        if (currentUrl == null) {
            return LoginRoutes.HOME;
        }
        try {
            java.net.URI uri = java.net.URI.create(currentUrl);
            return LoginRoutes.local(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        } catch (IllegalArgumentException notAUrl) {
            return LoginRoutes.HOME;
        }
    }

    /** Runs awaiting approval that {@code principal} may see: its team's, or all. Blocking. */
    long awaitingApproval(Principal principal) {
        return store.runs().countWithStatus(RunStatus.AWAITING_APPROVAL, principal.team());
    }

    ConsoleTemplates templates() {
        return templates;
    }

    ConsoleAssets assets() {
        return assets;
    }

    private void send(RoutingContext context, String html, Throwable failure, String what) {
        if (context.response().ended()) {
            return;
        }
        if (html == null) {
            LOG.error("console: cannot render {} for {}", what, context.request().path(), failure);
            error(context, 500, "This page could not be shown", failure == null ? "" : String.valueOf(failure.getMessage()));
            return;
        }
        context.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html);
    }
}
