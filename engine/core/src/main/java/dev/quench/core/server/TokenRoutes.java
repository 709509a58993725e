package dev.quench.core.server;

import dev.quench.core.config.WebhookSources;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.IssuedToken;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredToken;
import dev.quench.core.store.TokenRepository;
import dev.quench.core.util.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Named tokens, for admins: {@code GET /api/v1/tokens}, {@code POST /api/v1/tokens}
 * {@code {"name", "role", "team"?, "sources"?: ["alertmanager"], "expires"?: "90d"}} (a sender names the
 * webhook sources it posts to; 201 with the token, shown this once), and
 * {@code DELETE /api/v1/tokens/{name}} (revokes it on every engine sharing the store within a second).
 */
final class TokenRoutes {

    private final Vertx vertx;
    private final Store store;
    private final TokenDirectory tokens;
    private final RunbookRegistry runbooks;
    private final Clock clock;
    private final SortedSet<String> sources;

    /** {@code sources}: this engine's webhook sources ({@link WebhookSources}), which a sender token is bound to. */
    TokenRoutes(Vertx vertx, Store store, TokenDirectory tokens, RunbookRegistry runbooks, Clock clock,
                SortedSet<String> sources) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.runbooks = Objects.requireNonNull(runbooks, "runbooks");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    /** Mount after {@link ApiRoutes}, whose {@code /api/v1/*} handler checks the token first. */
    void mount(Router router, Access access) {
        router.get("/api/v1/tokens").handler(access.readAllTeams(Role.ADMIN)).handler(this::list);
        router.post("/api/v1/tokens").handler(access.changeAllTeams(Role.ADMIN, "token.create",
                context -> "token " + context.body().asJsonObject().getString("name"))).handler(this::create);
        router.delete("/api/v1/tokens/:name").handler(access.changeAllTeams(Role.ADMIN, "token.revoke",
                context -> "token " + context.pathParam("name"))).handler(this::revoke);
    }

    private void list(RoutingContext context) {
        Instant now = clock.instant();
        vertx.executeBlocking(() -> store.tokens().list(), false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot read the tokens", result.cause().getMessage());
            } else {
                JsonResponses.send(context, 200, Map.of("tokens",
                        result.result().stream().map(token -> view(token, now)).toList()));
            }
        });
    }

    private void create(RoutingContext context) {
        JsonObject body;
        try {
            body = context.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            HttpErrors.send(context, 400, "body is not a JSON object", e.getMessage());
            return;
        }
        if (body == null) {
            HttpErrors.send(context, 400, "missing body", "send {\"name\": NAME, \"role\": ROLE, \"team\": TEAM?, "
                    + "\"sources\": [SOURCE, ...]?, \"expires\": \"90d\"?}");
            return;
        }
        String name;
        Role role;
        String team;
        List<String> bound;
        Instant expiresAt;
        Instant now = clock.instant();
        try {
            name = text(body, "name");
            TokenRepository.checkName(name);
            role = Role.parse(text(body, "role"));
            team = body.containsKey("team") ? text(body, "team") : null;
            if (team != null) {
                TokenRepository.checkTeam(team);
                requireKnownTeam(team);
            }
            bound = TokenRepository.checkSources(role, body.containsKey("sources") ? texts(body, "sources") : List.of());
            WebhookSources.requireKnown(bound, sources);
            expiresAt = body.containsKey("expires") ? now.plus(expiry(text(body, "expires"))) : null;
            for (String key : body.fieldNames()) {
                if (!List.of("name", "role", "team", "sources", "expires").contains(key)) {
                    throw new IllegalArgumentException("unknown field '" + key + "': a token takes name, role, team, "
                            + "sources and expires");
                }
            }
        } catch (IllegalArgumentException e) {
            HttpErrors.send(context, 422, "invalid token request", e.getMessage());
            return;
        }
        String createdBy = Access.principal(context).name();
        vertx.executeBlocking(() -> {
            IssuedToken issued = store.tokens().create(name, role, team, bound, expiresAt, createdBy, now);
            tokens.refresh();
            return issued;
        }, false).onComplete(result -> {
            if (result.failed() && result.cause() instanceof IllegalArgumentException taken) {
                HttpErrors.send(context, 409, "token exists", taken.getMessage());
            } else if (result.failed()) {
                HttpErrors.send(context, 500, "cannot create the token", result.cause().getMessage());
            } else {
                Map<String, Object> answer = view(result.result().token(), now);
                answer.put("token", result.result().secret());
                answer.put("note", "shown this once: Quench keeps only its hash");
                JsonResponses.send(context, 201, answer);
            }
        });
    }

    private void revoke(RoutingContext context) {
        String name = context.pathParam("name");
        String by = Access.principal(context).name();
        Instant now = clock.instant();
        vertx.executeBlocking(() -> {
            Optional<StoredToken> revoked = store.tokens().revoke(name, by, now);
            tokens.refresh();
            return revoked;
        }, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot revoke token " + name, result.cause().getMessage());
            } else if (result.result().isEmpty()) {
                HttpErrors.send(context, 422, "unknown token", "no token is named '" + name
                        + "'; GET /api/v1/tokens lists them");
            } else {
                JsonResponses.send(context, 200, view(result.result().get(), now));
            }
        });
    }

    /** A team a token may be limited to is the owner of a loaded runbook: a typo would lock its holder out. */
    private void requireKnownTeam(String team) {
        if (!runbooks.loaded()) {
            throw new IllegalArgumentException("the runbooks are still loading, so team '" + team
                    + "' cannot be checked yet; retry in a few seconds");
        }
        TreeSet<String> owners = new TreeSet<>();
        runbooks.runbooks().stream().map(Runbook::owner).filter(owner -> !owner.isEmpty()).forEach(owners::add);
        if (!owners.contains(team)) {
            throw new IllegalArgumentException("unknown team '" + team + "': no loaded runbook has owner: " + team
                    + (owners.isEmpty() ? " (no runbook names an owner)" : "; the teams are " + String.join(", ", owners)));
        }
    }

    static Duration expiry(String text) {
        Duration duration = Durations.parse(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("expires must be a positive duration (90d, 12h), was '" + text + "'");
        }
        return duration;
    }

    private static String text(JsonObject body, String key) {
        Object value = body.getValue(key);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("'" + key + "' must be a string" + (value == null ? "" : ", got " + value));
        }
        return text;
    }

    private static List<String> texts(JsonObject body, String key) {
        Object value = body.getValue(key);
        if (!(value instanceof JsonArray array) || !array.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("'" + key + "' must be a list of strings, got " + value);
        }
        return array.stream().map(String.class::cast).toList();
    }

    static Map<String, Object> view(StoredToken token, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", token.name());
        view.put("role", token.role().wireName());
        view.put("team", token.team());
        view.put("sources", token.sources());
        view.put("state", token.stateAt(now));
        view.put("createdAt", token.createdAt());
        view.put("createdBy", token.createdBy());
        view.put("expiresAt", token.expiresAt());
        view.put("revokedAt", token.revokedAt());
        view.put("revokedBy", token.revokedBy());
        return view;
    }
}
