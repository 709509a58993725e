package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.store.Role;
import io.vertx.ext.web.Router;
import java.util.Map;

/** {@code GET /runs} until the runs screen lands: a page with the layout and nothing else. */
final class RunsPlaceholderScreen implements ConsoleScreen {

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/runs").handler(access.read(Role.VIEWER))
                .handler(context -> pages.page(context, "console/runs.jte", "Runs", "runs", Map::of));
    }
}
