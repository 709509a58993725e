package dev.quench.core.server;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's signing keys, read by request handlers without ever waiting for the provider:
 * {@link #get} selects from the keys in memory. A background thread fetches the JWKS every
 * {@code refreshEvery}, and soon after a request names a key id not in memory (a rotation at the provider),
 * at most once per {@code unknownKeyEvery}; until that fetch lands, such a JWT is refused (401, retried by
 * the client). A failed fetch keeps the keys held. Thread-safe.
 */
final class JwksCache implements JWKSource<SecurityContext>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final int TIMEOUT_MILLIS = 2_000;
    private static final int SIZE_LIMIT = 512 * 1024;

    private final URL jwksUrl;
    private final Duration unknownKeyEvery;
    private final Clock clock;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private final AtomicReference<Instant> lastUnknownKeyFetch = new AtomicReference<>(Instant.MIN);
    private final AtomicBoolean fetching = new AtomicBoolean();
    private final ScheduledExecutorService fetcher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("quench-jwks").factory());

    /** Fetches once now (the caller's thread: start-up), then every {@code refreshEvery} in the background. */
    JwksCache(URL jwksUrl, Duration refreshEvery, Duration unknownKeyEvery, Clock clock) {
        this.jwksUrl = Objects.requireNonNull(jwksUrl, "jwksUrl");
        this.unknownKeyEvery = Objects.requireNonNull(unknownKeyEvery, "unknownKeyEvery");
        this.clock = Objects.requireNonNull(clock, "clock");
        fetch();
        fetcher.scheduleWithFixedDelay(this::fetch, refreshEvery.toMillis(), refreshEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        List<JWK> found = selector.select(keys.get());
        if (found.isEmpty()) {
            fetchSoonForUnknownKey();
        }
        return found;
    }

    /** How many keys are held now. */
    int size() {
        return keys.get().size();
    }

    private void fetchSoonForUnknownKey() {
        Instant now = clock.instant();
        Instant last = lastUnknownKeyFetch.get();
        if (last.plus(unknownKeyEvery).isAfter(now) || !lastUnknownKeyFetch.compareAndSet(last, now)) {
            return;
        }
        try {
            fetcher.execute(this::fetch);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // Shutting down: no more fetches.
        }
    }

    /** One fetch; keeps the held keys when it fails. Never throws (the scheduler would stop calling it). */
    private void fetch() {
        if (!fetching.compareAndSet(false, true)) {
            return;
        }
        try {
            JWKSet fetched = JWKSet.load(jwksUrl, TIMEOUT_MILLIS, TIMEOUT_MILLIS, SIZE_LIMIT);
            JWKSet before = keys.getAndSet(fetched);
            if (!before.getKeys().equals(fetched.getKeys())) {
                LOG.info("identity provider keys from {}: {} key(s) now", jwksUrl, fetched.size());
            }
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.warn("cannot fetch the identity provider's signing keys from oidc.jwksUrl {} ({}); keeping the {} "
                    + "key(s) held, JWTs signed by another key are refused until a fetch succeeds", jwksUrl,
                    e.getMessage(), keys.get().size());
        } finally {
            fetching.set(false);
        }
    }

    @Override
    public void close() {
        fetcher.shutdownNow();
    }
}
