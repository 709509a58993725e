package dev.quench.core.server;

import dev.quench.core.store.Role;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;

/**
 * Who may call what. Every route under {@code /api/v1} is authenticated and needs {@code viewer} at
 * least (a sender token is refused there); a route that needs more, or that lives elsewhere (like
 * {@code /metrics}), declares it in one line before its handler:
 * <pre>{@code
 * router.get("/api/v1/nodes").handler(access.read(Role.VIEWER)).handler(this::nodes);
 * router.get("/metrics").handler(access.readAllTeams(Role.VIEWER)).handler(scrape);
 * router.post("/api/v1/pause").handler(access.changeAllTeams(Role.OPERATOR, "pause", target)).handler(this::pause);
 * }</pre>
 * {@code read}/{@code change} let a team-scoped token through (the handler then checks the runbook's
 * owner with {@link #covers}); the {@code AllTeams} forms refuse a team-scoped token. A {@code change}
 * appends its outcome (accepted, refused, forbidden) to the audit trail when the answer is sent.
 * Refusals say which role or team would be needed. Thread-safe.
 */
final class Access {

    /** Routing-context key of the request's {@link Principal}. */
    static final String PRINCIPAL = "quench.principal";

    private final TokenDirectory tokens;
    private final AuthFailures failures;
    private final AuditTrail audit;

    Access(TokenDirectory tokens, AuthFailures failures, AuditTrail audit) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** The principal an earlier handler of this request authenticated. */
    static Principal principal(RoutingContext context) {
        Principal principal = context.get(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("no principal: the route " + context.request().path()
                    + " is missing its Access handler");
        }
        return principal;
    }

    /** The address the request came from (the peer: a proxy's address behind one). */
    static String address(RoutingContext context) {
        SocketAddress remote = context.request().remoteAddress();
        return remote == null ? "unknown" : remote.hostAddress();
    }

    /**
     * {@code /api/v1/*}: authenticates the request (401, slowed down when repeated), and refuses a token
     * below {@code viewer} (403, on the audit trail when it tried a change).
     */
    void api(RoutingContext context) {
        if (authenticated(context) && allowed(context, Role.VIEWER, false, null)) {
            context.next();
        }
    }

    /** A read needing {@code role}; a team-scoped token passes (the handler filters by owner). */
    Handler<RoutingContext> read(Role role) {
        return context -> check(context, role, false, null, null);
    }

    /** A read needing {@code role} over every team's data: a team-scoped token is refused. */
    Handler<RoutingContext> readAllTeams(Role role) {
        return context -> check(context, role, true, null, null);
    }

    /**
     * A change needing {@code role}, appended to the audit trail as {@code action} on {@code target}
     * (read when the answer is sent, so it may use the body); a team-scoped token passes.
     */
    Handler<RoutingContext> change(Role role, String action, Function<RoutingContext, String> target) {
        return context -> check(context, role, false, action, target);
    }

    /** {@link #change} over every team (the kill switch, tokens): a team-scoped token is refused. */
    Handler<RoutingContext> changeAllTeams(Role role, String action, Function<RoutingContext, String> target) {
        return context -> check(context, role, true, action, target);
    }

    /**
     * True when the request's principal covers runbooks owned by {@code owner}; else answers 403 naming
     * the team needed and returns false.
     */
    static boolean covers(RoutingContext context, String owner, String what) {
        Principal principal = principal(context);
        if (principal.covers(owner)) {
            return true;
        }
        HttpErrors.send(context, 403, "forbidden", "token '" + principal.name() + "' is limited to team '"
                + principal.team() + "'; " + what + " belongs to team '" + (owner == null || owner.isEmpty()
                ? "(none)" : owner) + "': a token of that team (or without a team) is needed");
        return false;
    }

    private void check(RoutingContext context, Role role, boolean allTeams, String action,
                       Function<RoutingContext, String> target) {
        if (!authenticated(context)) {
            return;
        }
        if (action != null) {
            Principal principal = principal(context);
            context.addHeadersEndHandler(ignored -> audit.append(context, principal, action, target(context, target),
                    outcome(context.response().getStatusCode()), context.response().getStatusCode()
                            + (context.get(HttpErrors.ANSWERED_ERROR) == null ? ""
                            : " " + context.get(HttpErrors.ANSWERED_ERROR))));
        }
        if (allowed(context, role, allTeams, action)) {
            context.next();
        }
    }

    /** True when a principal is known for the request (found now, or by an earlier handler); else answered 401/503. */
    private boolean authenticated(RoutingContext context) {
        if (context.get(PRINCIPAL) != null) {
            return true;
        }
        switch (tokens.authenticate(context.request().getHeader("Authorization"))) {
            case TokenDirectory.Lookup.Found found -> {
                context.put(PRINCIPAL, found.principal());
                return true;
            }
            case TokenDirectory.Lookup.Refused refused -> failures.refuse(context, refused.detail());
            case TokenDirectory.Lookup.Unavailable unavailable -> {
                context.response().putHeader("Retry-After", "5");
                HttpErrors.sendAndClose(context, 503, "cannot check credentials", unavailable.detail());
            }
        }
        return false;
    }

    private boolean allowed(RoutingContext context, Role role, boolean allTeams, String action) {
        Principal principal = principal(context);
        String refusal = null;
        if (!principal.role().atLeast(role)) {
            refusal = "token '" + principal.name() + "' has role " + principal.role().wireName() + "; "
                    + describe(context) + " needs role " + TokenDirectory.roleOrMore(role)
                    + (principal.role() == Role.SENDER ? " (a sender token may only post alerts to the webhook "
                    + "sources it is bound to: " + String.join(", ", principal.sources()) + ")" : "");
        } else if (allTeams && principal.team() != null) {
            refusal = "token '" + principal.name() + "' is limited to team '" + principal.team() + "'; "
                    + describe(context) + " concerns every team and needs a " + role.wireName()
                    + " token without a team";
        }
        if (refusal == null) {
            return true;
        }
        if (action == null && context.request().method() != HttpMethod.GET
                && context.request().method() != HttpMethod.HEAD) {
            // Refused before the route could name its action: recorded by method and path.
            audit.append(context, principal, context.request().method() + " " + context.request().path(),
                    context.request().path(), "forbidden", "403 " + refusal);
        }
        HttpErrors.sendAndClose(context, 403, "forbidden", refusal);
        return false;
    }

    private static String describe(RoutingContext context) {
        return context.request().method() + " " + context.request().path();
    }

    private static String target(RoutingContext context, Function<RoutingContext, String> target) {
        try {
            String value = target == null ? null : target.apply(context);
            return value == null ? context.request().path() : value;
        } catch (RuntimeException unreadable) {
            // A body that is not JSON names no target: the path does.
            return context.request().path();
        }
    }

    static String outcome(int status) {
        if (status < 400) {
            return "ok";
        }
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            default -> status >= 500 ? "failed" : "refused";
        };
    }
}
