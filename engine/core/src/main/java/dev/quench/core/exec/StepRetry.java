package dev.quench.core.exec;

import dev.quench.api.RetryAdvice;
import dev.quench.api.StepResult;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.runbook.RetryPolicy;
import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs one step's attempts under its {@link RetryPolicy}: again after a failure, while attempts
 * are left and {@code retryOn} (if any) says the failure is worth another try, waiting the
 * policy's growing delay in between. Without {@code retryOn}, a step's own {@link RetryAdvice}
 * refines the policy: a failure it calls not retryable (an HTTP 400) stops at once, and a wait
 * the peer asked for (HTTP {@code Retry-After}) replaces the policy's delay. This is the one
 * retry loop of Quench: plugins report, the engine retries. Stateless; the waiting blocks the calling (virtual) thread.
 */
final class StepRetry {

    /** Waits between attempts; tests may pass a recording one. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * The last attempt's result and how many attempts ran.
     *
     * @param note why the retrying stopped early, or empty
     */
    record Outcome(StepResult result, int attempts, String note) {
    }

    private StepRetry() {
    }

    /**
     * Runs attempts until one succeeds or the policy says stop.
     *
     * @param scopeWithResult the scope {@code retryOn} reads, with the failed attempt as the step's own result
     */
    static Outcome run(RetryPolicy policy, Supplier<StepResult> attempt,
                       Function<StepResult, ExpressionScope> scopeWithResult, Sleeper sleeper) {
        Objects.requireNonNull(policy, "policy");
        int attempts = 0;
        while (true) {
            attempts++;
            StepResult result = attempt.get();
            if (result.succeeded() || attempts >= policy.attempts()) {
                return new Outcome(result, attempts, "");
            }
            if (policy.retryOn().isPresent()) {
                try {
                    if (!policy.retryOn().get().test(scopeWithResult.apply(result))) {
                        return new Outcome(result, attempts, "retryOn ${{ " + policy.retryOn().get().source()
                                + " }} was false, so it was not retried");
                    }
                } catch (ExpressionException e) {
                    return new Outcome(result, attempts, "not retried: retryOn failed: " + e.getMessage());
                }
            } else if (result.retry().verdict() == RetryAdvice.Verdict.NOT_RETRYABLE) {
                return new Outcome(result, attempts, "not retried: the step says another attempt would fail"
                        + " the same way (add retryOn to the step's retry: to retry it anyway)");
            }
            Duration delay = delayBefore(policy, attempts, result.retry());
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(result, attempts, "not retried: the engine stopped during the "
                        + Durations.format(delay) + " wait");
            }
        }
    }

    /**
     * The policy's wait before retry number {@code retry}, or the wait the peer asked for ({@code Retry-After})
     * when the step passed it on; either is capped at {@link RetryPolicy#MAX_DELAY}.
     */
    static Duration delayBefore(RetryPolicy policy, int retry, RetryAdvice advice) {
        return advice.retryAfter()
                .map(asked -> asked.compareTo(RetryPolicy.MAX_DELAY) > 0 ? RetryPolicy.MAX_DELAY : asked)
                .orElseGet(() -> policy.delayBefore(retry));
    }

    /** The step's message with what retrying did, for run history. */
    static String describe(Outcome outcome, int maxAttempts) {
        String message = outcome.result().message();
        if (maxAttempts <= 1) {
            return message;
        }
        if (outcome.result().succeeded()) {
            return outcome.attempts() > 1 ? "succeeded on attempt " + outcome.attempts() + " of " + maxAttempts : message;
        }
        String prefix = "failed after " + outcome.attempts() + (outcome.attempts() == 1 ? " attempt" : " attempts")
                + " (of " + maxAttempts + ")";
        return prefix + ": " + message + (outcome.note().isEmpty() ? "" : "; " + outcome.note());
    }
}
