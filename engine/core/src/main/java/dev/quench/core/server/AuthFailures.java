package dev.quench.core.server;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers 401s, slowing down an address that keeps failing: within a window, the first
 * {@link #FREE_FAILURES} failures are answered at once, each later one after a delay that doubles up
 * to {@link #MAX_DELAY_MILLIS}. Every failure waits the same whatever the offered credential was, so
 * a near-miss is never answered faster. At most {@link #MAX_HELD} answers are held back at once
 * (each holds a connection); beyond that a failing request's connection is closed without an answer.
 * The 1st, 10th, 100th... failure of an address in a window is appended to the audit trail with the
 * count. Thread-safe.
 */
final class AuthFailures {

    static final int FREE_FAILURES = 10;
    static final long BASE_DELAY_MILLIS = 50;
    static final long MAX_DELAY_MILLIS = 2_000;
    static final int MAX_HELD = 256;
    /** Addresses remembered at once; beyond it the table starts afresh (a flood of addresses gains nothing). */
    private static final int MAX_ADDRESSES = 10_000;

    private record Window(Instant start, AtomicInteger failures) {
    }

    private final Vertx vertx;
    private final Clock clock;
    private final AuditTrail audit;
    private final java.time.Duration window;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    AuthFailures(Vertx vertx, Clock clock, AuditTrail audit, java.time.Duration window) {
        this.vertx = vertx;
        this.clock = clock;
        this.audit = audit;
        this.window = window;
    }

    /** Counts a failure from the request's address and answers 401 with {@code detail}, maybe later. */
    void refuse(RoutingContext context, String detail) {
        String address = Access.address(context);
        int failures = count(address);
        if (failures == 1 || isPowerOfTen(failures)) {
            audit.append(context, null, "auth.failed", context.request().method() + " " + context.request().path(),
                    "unauthorized", failures + " failed attempt(s) from " + address + " within "
                            + window.toSeconds() + " s");
        }
        long delay = delayMillis(failures);
        if (delay == 0) {
            HttpErrors.sendAndClose(context, 401, "unauthorized", detail);
            return;
        }
        if (held.incrementAndGet() > MAX_HELD) {
            held.decrementAndGet();
            context.request().connection().close();
            return;
        }
        vertx.setTimer(delay, ignored -> {
            held.decrementAndGet();
            HttpErrors.sendAndClose(context, 401, "unauthorized", detail);
        });
    }

    static long delayMillis(int failures) {
        if (failures <= FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(failures - FREE_FAILURES - 1, 16);
        return Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << doublings);
    }

    private int count(String address) {
        Instant now = clock.instant();
        if (windows.size() >= MAX_ADDRESSES && !windows.containsKey(address)) {
            windows.clear();
        }
        Window current = windows.compute(address, (key, existing) ->
                existing == null || existing.start().plus(window).isBefore(now)
                        ? new Window(now, new AtomicInteger()) : existing);
        return current.failures().incrementAndGet();
    }

    private static boolean isPowerOfTen(int value) {
        int rest = value;
        while (rest >= 10 && rest % 10 == 0) {
            rest /= 10;
        }
        return rest == 1;
    }
}
