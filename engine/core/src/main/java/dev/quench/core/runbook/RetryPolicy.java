package dev.quench.core.runbook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How often a failed step is tried again ({@code retry:}). Immutable.
 *
 * @param attempts how many times the step runs at most, 1 meaning no retry
 * @param delay    the wait before the first retry
 * @param backoff  the factor each further wait grows by (1 keeps it fixed, 2 doubles it)
 * @param retryOn  which failures are worth another try; empty means every failure
 */
public record RetryPolicy(int attempts, Duration delay, double backoff, Optional<Condition> retryOn) {

    /** The longest wait between two attempts, whatever the backoff says. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(10);

    /** Run once, never retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1, Optional.empty());

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        }
        Objects.requireNonNull(delay, "delay");
        if (backoff < 1) {
            throw new IllegalArgumentException("backoff must be >= 1, was " + backoff);
        }
        Objects.requireNonNull(retryOn, "retryOn");
    }

    /** The wait before retry number {@code retry} (1 for the second attempt), capped at {@link #MAX_DELAY}. */
    public Duration delayBefore(int retry) {
        double millis = delay.toMillis() * Math.pow(backoff, Math.max(0, retry - 1));
        return millis >= MAX_DELAY.toMillis() ? MAX_DELAY : Duration.ofMillis((long) millis);
    }
}
