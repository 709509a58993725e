package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.store.Role;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code GET /toil?weeks=&team=}: hours saved per team per week (a uPlot chart and a table with the same
 * numbers), automation coverage and the "automate next" ranking, read from the toil ledger. Engine-wide, like
 * {@code GET /api/v1/toil}: a team-scoped token is refused. Thread-safe.
 */
final class ToilScreen implements ConsoleScreen {

    /** More teams than this in one request is not a form a person filled in. */
    private static final int MAX_TEAMS = 100;
    private static final int MAX_TEAM_LENGTH = 128;

    private final ToilViews views;

    ToilScreen(ToilViews views) {
        this.views = Objects.requireNonNull(views, "views");
    }

    @Override
    public void mount(Router router, HttpAccess access, ConsolePages pages) {
        router.get("/toil").handler(access.readAllTeams(Role.VIEWER)).handler(context -> show(context, pages));
    }

    private void show(RoutingContext context, ConsolePages pages) {
        int weeks = ToilViews.DEFAULT_WEEKS;
        Set<String> teams = new LinkedHashSet<>();
        String error = null;
        try {
            weeks = weeks(context.queryParams().get("weeks"));
            teams = teams(context.queryParams().getAll("team"));
        } catch (IllegalArgumentException refused) {
            // The default view comes back with what to change.
            context.response().setStatusCode(400);
            error = refused.getMessage() + "; showing the last " + ToilViews.DEFAULT_WEEKS + " weeks of every team.";
            weeks = ToilViews.DEFAULT_WEEKS;
            teams = Set.of();
        }
        int chosenWeeks = weeks;
        Set<String> chosenTeams = teams;
        String problem = error;
        pages.page(context, "console/toil.jte", "Toil", "toil", () -> {
            ToilView toil = views.build(chosenWeeks, chosenTeams);
            return Map.of("view", new ToilPageView(toil, chosenWeeks, chosenTeams, problem, ToilChart.json(toil)));
        });
    }

    private static int weeks(String text) {
        if (text == null || text.isBlank()) {
            return ToilViews.DEFAULT_WEEKS;
        }
        try {
            int weeks = Integer.parseInt(text.trim());
            if (weeks < 1 || weeks > ToilViews.MAX_WEEKS) {
                throw new IllegalArgumentException("weeks must be 1-" + ToilViews.MAX_WEEKS + ", was " + weeks);
            }
            return weeks;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weeks must be a number of weeks (1-" + ToilViews.MAX_WEEKS
                    + "), was '" + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "'", e);
        }
    }

    private static Set<String> teams(List<String> given) {
        if (given.size() > MAX_TEAMS) {
            throw new IllegalArgumentException("at most " + MAX_TEAMS + " teams at once, got " + given.size());
        }
        Set<String> teams = new LinkedHashSet<>();
        for (String team : given) {
            if (team.length() > MAX_TEAM_LENGTH) {
                throw new IllegalArgumentException("a team name is at most " + MAX_TEAM_LENGTH + " characters");
            }
            if (!team.isBlank()) {
                teams.add(team);
            }
        }
        return teams;
    }
}
