package dev.quench.core.server;

import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredToken;
import dev.quench.core.store.TokenRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens that work now, read from the store every {@link #REFRESH} so that a token created or
 * revoked on any engine sharing the store works, or stops, everywhere within about a second, while
 * checking a request stays a look-up in memory (no database round trip on the event loop). A token
 * is found by the SHA-256 of the offered text: the map compares hashes, which tells an attacker
 * nothing about the tokens. Expiry is checked at each request. Thread-safe.
 */
final class TokenDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenDirectory.class);
    static final Duration REFRESH = Duration.ofSeconds(1);
    /** Older than this, the copy may miss revocations: tokens answer 503 until the store answers again. */
    static final Duration STALE = Duration.ofSeconds(15);

    /** The outcome of checking an {@code Authorization} header. */
    sealed interface Lookup {
        record Found(Principal principal) implements Lookup {
        }

        /** No bearer token, or one that is unknown, revoked or expired. */
        record Refused(String detail) implements Lookup {
        }

        /** The store has not answered for a while: no token can be trusted not to be revoked. */
        record Unavailable(String detail) implements Lookup {
        }
    }

    private record Snapshot(Map<String, StoredToken> byHash, Instant readAt) {
    }

    private final Store store;
    private final Clock clock;
    private final JwtVerifier jwts;
    private final ScheduledExecutorService refresher;
    private volatile Snapshot snapshot;

    TokenDirectory(Store store, Clock clock) {
        this(store, clock, null);
    }

    /** With {@code jwts}, bearer JWTs of the configured identity provider are accepted too. */
    TokenDirectory(Store store, Clock clock, JwtVerifier jwts) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jwts = jwts;
        this.snapshot = read();
        this.refresher = Executors.newSingleThreadScheduledExecutor(
                task -> Thread.ofPlatform().name("quench-token-refresh").daemon(true).unstarted(task));
        refresher.scheduleWithFixedDelay(this::refreshQuietly, REFRESH.toMillis(), REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Re-reads the tokens now (after this engine created or revoked one). Blocking. */
    void refresh() {
        snapshot = read();
    }

    /** Checks {@code Authorization: Bearer <token>} for the API: refused while the copy is stale. */
    Lookup authenticate(String authorizationHeader) {
        return authenticate(authorizationHeader, false);
    }

    /**
     * Checks {@code Authorization: Bearer <token>}.
     *
     * @param staleAllowed true for webhooks: while the store is down the journal still takes alerts, so a
     *                     sender is checked against the last copy rather than refused (it would only retry)
     */
    Lookup authenticate(String authorizationHeader, boolean staleAllowed) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Lookup.Refused("send 'Authorization: Bearer <token>' (quench tokens create makes one)");
        }
        String bearer = authorizationHeader.substring(7).strip();
        if (jwts != null && JwtVerifier.looksLikeJwt(bearer)) {
            return jwts.verify(bearer);
        }
        return lookup(TokenRepository.hash(bearer), staleAllowed);
    }

    /** Checks the token whose hex SHA-256 is {@code hash} (what a console session keeps); refused while stale. */
    Lookup byHash(String hash) {
        return lookup(hash, false);
    }

    private Lookup lookup(String hash, boolean staleAllowed) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (!staleAllowed && current.readAt().plus(STALE).isBefore(now)) {
            return new Lookup.Unavailable("tokens cannot be checked: the store has not answered since "
                    + current.readAt() + "; nothing was done — retry once the store is back");
        }
        StoredToken token = hash == null ? null : current.byHash().get(hash);
        if (token == null || !token.activeAt(now)) {
            return new Lookup.Refused("the token is unknown, revoked or expired: ask an admin for a token "
                    + "(quench tokens create NAME --role ROLE)");
        }
        return new Lookup.Found(new Principal(token.name(), token.role(), token.team(), token.sources()));
    }

    /** The active token named {@code name}, if any. */
    Optional<StoredToken> active(String name) {
        Instant now = clock.instant();
        return snapshot.byHash().values().stream().filter(token -> token.name().equals(name) && token.activeAt(now))
                .findFirst();
    }

    private Snapshot read() {
        Instant now = clock.instant();
        return new Snapshot(Map.copyOf(store.tokens().activeByHash(now)), now);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("cannot re-read the API tokens from the store ({}); the copy read at {} stays in use for up "
                    + "to {} s", e.getMessage(), snapshot.readAt(), STALE.toSeconds());
        }
    }

    /** For the roles a check needs, in messages. */
    static String roleOrMore(Role role) {
        return role == Role.ADMIN ? "admin" : role.wireName() + " (or a higher role)";
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
