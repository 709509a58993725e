package dev.quench.core.console;

import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.server.HttpAccess;
import dev.quench.core.store.Role;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * {@code /schedules}: every schedule's next fires, last run, misfires and whether it is active, as
 * {@code GET /api/v1/schedules} gives them (and, like it, for tokens of every team). Thread-safe.
 */
final class SchedulesScreen implements ConsoleScreen {

    private final RunbookScheduler schedules;

    SchedulesScreen(ConsoleParts parts) {
        this.schedules = parts.schedules();
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/schedules").handler(access.readAllTeams(Role.VIEWER)).handler(context -> pages.page(context,
                "console/schedules.jte", "Schedules", "schedules",
                () -> Map.of("board", ScheduleBoard.of(schedules.schedules()))));
    }
}
