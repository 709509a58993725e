package dev.quench.core.server;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The API's access checks for routes mounted from above the server ({@link RouteMount}: the console): the
 * same one-line role declarations, the same audit trail with the same action names, the same slowed-down
 * 401s. A route whose request already carries a principal (a console session) is checked against it;
 * {@link #actAs} puts it there. Thread-safe.
 */
public final class HttpAccess {

    /** The outcome of checking a token (sign-in) or the token a session acts as. */
    public sealed interface TokenCheck {
        /** @param tokenHash the hex SHA-256 of the token, as the store keeps it */
        record Accepted(Principal principal, String tokenHash) implements TokenCheck {
        }

        record Refused(String detail) implements TokenCheck {
        }

        /** The store has not answered for a while: no token can be trusted not to be revoked. */
        record Unavailable(String detail) implements TokenCheck {
        }
    }

    /** Renders an error answer as a page instead of the API's JSON (the console's requests). */
    @FunctionalInterface
    public interface ErrorPage {
        String render(int status, String error, String detail);
    }

    private final Access access;
    private final TokenDirectory tokens;
    private final AuthFailures failures;
    private final AuditTrail audit;

    HttpAccess(Access access, TokenDirectory tokens, AuthFailures failures, AuditTrail audit) {
        this.access = Objects.requireNonNull(access, "access");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** A read needing {@code role}; a team-scoped principal passes (the handler filters by owner). */
    public Handler<RoutingContext> read(Role role) {
        return access.read(role);
    }

    /** A read needing {@code role} over every team's data: a team-scoped principal is refused. */
    public Handler<RoutingContext> readAllTeams(Role role) {
        return access.readAllTeams(role);
    }

    /** A change needing {@code role}, on the audit trail as {@code action} on {@code target} (the API's names). */
    public Handler<RoutingContext> change(Role role, String action, Function<RoutingContext, String> target) {
        return access.change(role, action, target);
    }

    /** {@link #change} over every team (the kill switch): a team-scoped principal is refused. */
    public Handler<RoutingContext> changeAllTeams(Role role, String action, Function<RoutingContext, String> target) {
        return access.changeAllTeams(role, action, target);
    }

    /** The principal of this request (put there by {@link #actAs} or an access check). */
    public static Principal principal(RoutingContext context) {
        return Access.principal(context);
    }

    /** The principal of this request, if one is known yet. */
    public static Optional<Principal> principalIfKnown(RoutingContext context) {
        return Optional.ofNullable(context.get(Access.PRINCIPAL));
    }

    /** Makes {@code principal} the one this request acts as (from its console session). */
    public static void actAs(RoutingContext context, Principal principal) {
        context.put(Access.PRINCIPAL, Objects.requireNonNull(principal, "principal"));
    }

    /** From now on, errors answered for this request (by these checks too) are pages made by {@code page}. */
    public static void answerErrorsWith(RoutingContext context, ErrorPage page) {
        context.put(HttpErrors.PAGE, Objects.requireNonNull(page, "page"));
    }

    /** The address the request came from. */
    public static String address(RoutingContext context) {
        return Access.address(context);
    }

    /** Checks a token's text as the API checks a bearer token. A JWT is refused: only named tokens sign in. */
    public TokenCheck check(String tokenText) {
        if (tokenText == null || tokenText.isBlank()) {
            return new TokenCheck.Refused("no token was entered: paste a token (quench tokens create makes one)");
        }
        String text = tokenText.strip();
        if (JwtVerifier.looksLikeJwt(text)) {
            return new TokenCheck.Refused("identity-provider JWTs work on the API only: sign in to the console with "
                    + "a named Quench token (quench tokens create NAME --role ROLE)");
        }
        return checkHash(dev.quench.core.store.TokenRepository.hash(text));
    }

    /** Checks the token of that hash (the one a console session acts as): revoked or expired is refused. */
    public TokenCheck checkHash(String tokenHash) {
        return switch (tokens.byHash(tokenHash)) {
            case TokenDirectory.Lookup.Found found -> new TokenCheck.Accepted(found.principal(), tokenHash);
            case TokenDirectory.Lookup.Refused refused -> new TokenCheck.Refused(refused.detail());
            case TokenDirectory.Lookup.Unavailable unavailable -> new TokenCheck.Unavailable(unavailable.detail());
        };
    }

    /**
     * Answers a failed sign-in 401 with {@code detail}, counted with the API's failed authentications from
     * the same address: slowed down when repeated, on the audit trail as {@code auth.failed}.
     */
    public void refuseSignIn(RoutingContext context, String detail) {
        failures.refuse(context, detail);
    }

    /** Appends to the audit trail what {@code principal} did from this request's address. */
    public void audit(RoutingContext context, Principal principal, String action, String target, String outcome,
                      String detail) {
        audit.append(context, principal, action, target, outcome, detail);
    }

    /** Appends an entry made elsewhere (a session ended by the engine rather than by a request). */
    public void audit(AuditEntry entry) {
        audit.append(entry);
    }

    /** The audit outcome of an HTTP status, as the API records it. */
    public static String outcome(int status) {
        return Access.outcome(status);
    }
}
