package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.KillSwitchActions;
import dev.quench.core.server.Principal;
import dev.quench.core.store.Role;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * The kill switch's buttons: {@code POST /kill-switch/pause} and {@code POST /kill-switch/resume} (form fields
 * {@code reason}, {@code back}). The same checks and audit actions as {@code POST /api/v1/pause|resume} (an
 * operator token without a team; {@code pause}/{@code resume} on target {@code engine}) and the same code
 * ({@link KillSwitchActions}); then back to the page the button was on, which shows the banner (or not).
 */
final class KillSwitchScreen implements ConsoleScreen {

    private final Vertx vertx;
    private final KillSwitchActions actions;

    KillSwitchScreen(Vertx vertx, KillSwitchActions actions) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.post("/kill-switch/pause").handler(access.changeAllTeams(Role.OPERATOR, "pause", context -> "engine"))
                .handler(context -> flip(context, pages, true));
        router.post("/kill-switch/resume").handler(access.changeAllTeams(Role.OPERATOR, "resume", context -> "engine"))
                .handler(context -> flip(context, pages, false));
    }

    private void flip(RoutingContext context, ConsolePages pages, boolean pause) {
        String why;
        try {
            why = KillSwitchActions.checkedReason(context.request().getFormAttribute("reason"));
        } catch (IllegalArgumentException e) {
            pages.error(context, 422, "Invalid reason", e.getMessage() + "; nothing was changed");
            return;
        }
        Principal principal = HttpAccess.principal(context);
        String back = LoginRoutes.local(context.request().getFormAttribute("back"));
        vertx.executeBlocking(() -> actions.set(pause, principal.name(), why, false), false).onComplete(done -> {
            if (done.failed()) {
                pages.error(context, 500, "Cannot " + (pause ? "pause" : "resume"), done.cause().getMessage());
                return;
            }
            context.response().setStatusCode(303).putHeader("Location", back).end();
        });
    }
}
