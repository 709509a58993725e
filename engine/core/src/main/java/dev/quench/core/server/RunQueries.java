package dev.quench.core.server;

import dev.quench.core.store.RunCursor;
import dev.quench.core.store.RunQuery;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.TriggerType;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads {@code ?status=&runbook=&team=&trigger=&since=&until=&before=&limit=} into a {@link RunQuery}: one
 * reader for {@code GET /api/v1/runs} and the console's runs screen, so both filter alike. An empty value
 * does not filter (an HTML form sends {@code status=} for "any"). {@code since} and {@code until} are a
 * duration back from now ({@code 30m}, {@code 7d}) or an RFC 3339 time; {@code before} is the
 * {@code next} cursor of the previous page. Thread-safe (stateless).
 */
public final class RunQueries {

    /** The most runs one page may hold. */
    public static final int MAX_LIMIT = 1000;

    private RunQueries() {
    }

    /**
     * The query in {@code params}, as {@code principal} may ask it: a team-scoped token reads its own team's
     * runs only (with or without {@code team=} naming that team).
     *
     * @throws IllegalArgumentException naming the parameter, what it was and what it may be (answer 400)
     * @throws TeamOutOfScope           when a team-scoped token asks for another team (answer 403)
     */
    public static RunQuery parse(MultiMap params, Principal principal, int defaultLimit, Instant now) {
        String statusText = value(params, "status");
        String triggerText = value(params, "trigger");
        String sinceText = value(params, "since");
        String untilText = value(params, "until");
        String beforeText = value(params, "before");
        String limitText = value(params, "limit");
        String team = value(params, "team");
        Optional<String> scope = principal.teamIfScoped();
        if (scope.isPresent() && team != null && !team.equals(scope.get())) {
            throw new TeamOutOfScope("token '" + principal.name() + "' is limited to team '" + scope.get()
                    + "' and cannot list the runs of team '" + team + "': leave team empty, or use a token of that "
                    + "team (or one without a team)");
        }
        return new RunQuery(
                statusText == null ? null : RunStatus.parse(statusText),
                value(params, "runbook"),
                scope.orElse(team),
                triggerText == null ? null : trigger(triggerText),
                sinceText == null ? null : time("since", sinceText, now),
                untilText == null ? null : time("until", untilText, now),
                beforeText == null ? null : RunCursor.parse(beforeText),
                limitText == null ? defaultLimit : limit(limitText));
    }

    /** A team-scoped token asked for the runs of another team. */
    public static final class TeamOutOfScope extends IllegalArgumentException {
        TeamOutOfScope(String message) {
            super(message);
        }
    }

    private static String value(MultiMap params, String name) {
        String text = params.get(name);
        return text == null || text.isBlank() ? null : text.trim();
    }

    private static TriggerType trigger(String text) {
        try {
            return TriggerType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trigger must be alert, manual or schedule, was '" + text + "'", e);
        }
    }

    private static Instant time(String name, String text, Instant now) {
        try {
            return AlertQueries.since(text, now);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be a duration back from now (30m, 7d) or an RFC 3339 "
                    + "time, was '" + text + "'", e);
        }
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + text);
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number, was '" + text + "'", e);
        }
    }
}
