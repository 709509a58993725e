package dev.quench.core.console;

import dev.quench.core.server.HttpAccess;
import dev.quench.core.server.Principal;
import dev.quench.core.store.ConsoleSession;
import dev.quench.core.store.Store;
import dev.quench.core.store.TokenRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console sign-in sessions: a session id of 256 random bits in the {@code quench_session} cookie (HttpOnly,
 * SameSite=Strict, Path=/, Secure as {@code console.secureCookie} says), only its SHA-256 in the store, so any
 * node finds it and a stolen backup holds none. A session acts as the token it was signed in with, checked
 * at every request: revoking or expiring the token ends its sessions on every node within a second. The
 * CSRF token is derived from the session id (a hash of it, so the page's copy does not reveal the cookie).
 * Thread-safe.
 */
public final class ConsoleSessions {

    public static final String COOKIE = "quench_session";
    /** A session id as this class makes it: 64 hex digits. Anything else is not looked up. */
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    /** Routing-context key of the request's {@link SignedIn}. */
    private static final String SIGNED_IN = "quench.console.signedIn";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The session of a request: who it acts as and the CSRF token its forms carry. */
    public record SignedIn(ConsoleSession session, Principal principal, String csrfToken) {
    }

    /** What looking up a request's session found. */
    sealed interface Lookup {
        record Found(SignedIn signedIn) implements Lookup {
        }

        /** No session, or one that ended: {@code why} says which, for the sign-in page. */
        record Missing(String why) implements Lookup {
        }

        record Unavailable(String detail) implements Lookup {
        }
    }

    private final Vertx vertx;
    private final Store store;
    private final HttpAccess access;
    private final ConsoleSettings settings;
    private final Clock clock;

    ConsoleSessions(Vertx vertx, Store store, HttpAccess access, ConsoleSettings settings, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.access = Objects.requireNonNull(access, "access");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The session of this request, once {@link #lookUp} found one. */
    public static SignedIn signedIn(RoutingContext context) {
        SignedIn signedIn = context.get(SIGNED_IN);
        if (signedIn == null) {
            throw new IllegalStateException("no console session: the route " + context.request().path()
                    + " is not behind the console's session check");
        }
        return signedIn;
    }

    static Optional<SignedIn> signedInIfAny(RoutingContext context) {
        return Optional.ofNullable(context.get(SIGNED_IN));
    }

    /** Starts a session for an accepted token, sets the cookie; blocking work runs off the event loop. */
    Future<SignedIn> start(RoutingContext context, HttpAccess.TokenCheck.Accepted accepted) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String id = HexFormat.of().formatHex(random);
        Instant now = clock.instant();
        ConsoleSession session = new ConsoleSession(TokenRepository.hash(id), accepted.tokenHash(),
                accepted.principal().name(), now, now.plus(settings.sessionTtl()));
        return vertx.executeBlocking(() -> {
            store.consoleSessions().deleteExpired(now);
            store.consoleSessions().create(session);
            return new SignedIn(session, accepted.principal(), csrfToken(id));
        }, false).map(signedIn -> {
            // map, not onSuccess: the caller's handlers run after the cookie is set. A listener added to a future that
            // completed already runs at once on the event loop, ahead of one queued on completion.
            context.response().addCookie(cookie(context, id).setMaxAge(settings.sessionTtl().toSeconds()));
            return signedIn;
        });
    }

    /** Finds the request's session and checks its token; on success the request acts as its principal. */
    Future<Lookup> lookUp(RoutingContext context) {
        Cookie cookie = context.request().getCookie(COOKIE);
        if (cookie == null) {
            return Future.succeededFuture(new Lookup.Missing("Sign in to continue."));
        }
        String id = cookie.getValue();
        if (!ID.matcher(id).matches()) {
            return Future.succeededFuture(new Lookup.Missing("Your session has ended: sign in again."));
        }
        String idHash = TokenRepository.hash(id);
        return vertx.<Lookup>executeBlocking(() -> {
            Optional<ConsoleSession> found = store.consoleSessions().findActive(idHash, clock.instant());
            if (found.isEmpty()) {
                return new Lookup.Missing("Your session has ended (signed out or expired): sign in again.");
            }
            return switch (access.checkHash(found.get().tokenHash())) {
                case HttpAccess.TokenCheck.Accepted accepted ->
                        new Lookup.Found(new SignedIn(found.get(), accepted.principal(), csrfToken(id)));
                case HttpAccess.TokenCheck.Refused refused -> {
                    store.consoleSessions().delete(idHash);
                    yield new Lookup.Missing("The token this session was signed in with no longer works (revoked "
                            + "or expired), so the session has ended: sign in with a working token.");
                }
                case HttpAccess.TokenCheck.Unavailable unavailable -> new Lookup.Unavailable(unavailable.detail());
            };
        }, false).map(lookup -> {
            // map, not onSuccess: the caller's next handler must see the principal (see start).
            if (lookup instanceof Lookup.Found found) {
                context.put(SIGNED_IN, found.signedIn());
                HttpAccess.actAs(context, found.signedIn().principal());
            }
            return lookup;
        });
    }

    /** Ends the request's session in the store and clears the cookie. */
    Future<Boolean> end(RoutingContext context) {
        Cookie cookie = context.request().getCookie(COOKIE);
        context.response().addCookie(cookie(context, "").setMaxAge(0));
        if (cookie == null || !ID.matcher(cookie.getValue()).matches()) {
            return Future.succeededFuture(false);
        }
        String idHash = TokenRepository.hash(cookie.getValue());
        return vertx.executeBlocking(() -> store.consoleSessions().delete(idHash), false);
    }

    /** Whether {@code offered} is the CSRF token of {@code signedIn}, compared in constant time. */
    static boolean csrfMatches(SignedIn signedIn, String offered) {
        return offered != null && MessageDigest.isEqual(signedIn.csrfToken().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                offered.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Cookie cookie(RoutingContext context, String value) {
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(secure(context));
    }

    private boolean secure(RoutingContext context) {
        return switch (settings.secureCookie()) {
            case ALWAYS -> true;
            case NEVER -> false;
            // Only ever makes the cookie stricter: a forged header costs its sender the cookie, nobody else.
            case AUTO -> context.request().isSSL()
                    || "https".equalsIgnoreCase(context.request().getHeader("X-Forwarded-Proto"));
        };
    }

    /** The CSRF token of a session: a hash of its id under a label of its own (not the stored hash). */
    private static String csrfToken(String sessionId) {
        return TokenRepository.hash("quench-console-csrf:" + sessionId);
    }
}
