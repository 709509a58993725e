package dev.quench.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a failed step says about trying it again: a 503 with {@code Retry-After} or a refused
 * connection is worth another try, a 400 is not. The runbook's {@code retry:} policy decides
 * whether and how often the engine tries again; this only informs it. Immutable.
 *
 * @param verdict    whether the failure is worth another attempt, as far as the step can tell
 * @param retryAfter how long the peer asked to wait (HTTP {@code Retry-After}); the engine waits this instead
 *                   of the policy's delay
 */
public record RetryAdvice(Verdict verdict, Optional<Duration> retryAfter) {

    /** Whether a failure is worth another attempt. */
    public enum Verdict {
        /** The step does not say: the runbook's policy alone decides (every failure is retried). */
        UNSAID,
        /** A passing condition (a 503, a refused connection, a timeout): another attempt may succeed. */
        RETRYABLE,
        /** Another attempt would fail the same way (a 400, a 404): the engine does not retry it. */
        NOT_RETRYABLE
    }

    /** The step says nothing; the policy decides alone. */
    public static final RetryAdvice UNSAID = new RetryAdvice(Verdict.UNSAID, Optional.empty());

    private static final RetryAdvice RETRYABLE = new RetryAdvice(Verdict.RETRYABLE, Optional.empty());
    private static final RetryAdvice NOT_RETRYABLE = new RetryAdvice(Verdict.NOT_RETRYABLE, Optional.empty());

    public RetryAdvice {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter.get());
        }
    }

    /** Worth another attempt, after the policy's delay. */
    public static RetryAdvice retryable() {
        return RETRYABLE;
    }

    /** Worth another attempt, not before {@code wait} (the peer's {@code Retry-After}). */
    public static RetryAdvice retryableAfter(Duration wait) {
        return new RetryAdvice(Verdict.RETRYABLE, Optional.of(wait));
    }

    /** Not worth another attempt. */
    public static RetryAdvice notRetryable() {
        return NOT_RETRYABLE;
    }
}
