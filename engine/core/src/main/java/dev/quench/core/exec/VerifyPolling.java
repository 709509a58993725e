package dev.quench.core.exec;

import dev.quench.api.RetryAdvice;
import dev.quench.api.StepResult;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Checks one step of {@code verify:} until it passes or its deadline: a check, then a wait of {@code every}, then
 * another, while time is left of the step's {@code timeout}. Each check may run until the deadline, so a step that
 * polls by itself ({@code prometheus.query} with {@code until}) spends the whole deadline in its first check and is
 * checked again only when it returned early. A failure the step calls not retryable (Prometheus rejected the
 * query, an HTTP 400) stops at once: it would fail the same way until the deadline. Stateless; the waits block the
 * calling (virtual) thread.
 */
final class VerifyPolling {

    /** Waits between two checks; false when the run was cancelled (or the engine stops) meanwhile. */
    @FunctionalInterface
    interface Waiter {
        boolean await(Duration delay);
    }

    private VerifyPolling() {
    }

    /**
     * Checks {@code step} until it passes, its deadline passes, or the wait is cut short.
     *
     * @param check runs one check with the time it may take (what is left until the deadline)
     * @return the last check's result and how many ran, as {@link StepRetry.Outcome} (its note says why it stopped)
     */
    static StepRetry.Outcome run(StepSpec step, Function<Duration, StepResult> check, Waiter waiter, Clock clock) {
        Instant started = clock.instant();
        Duration timeout = step.timeout();
        Duration every = step.everyOrDefault();
        // Waits count even when they take no time (runbook tests skip them), so the number of checks stays bounded.
        Duration waited = Duration.ZERO;
        int checks = 0;
        while (true) {
            checks++;
            StepResult result = check.apply(left(timeout, started, waited, clock));
            if (result.succeeded()) {
                return new StepRetry.Outcome(result, checks, "");
            }
            if (result.retry().verdict() == RetryAdvice.Verdict.NOT_RETRYABLE) {
                return new StepRetry.Outcome(result, checks, "not checked again: the step says another check would "
                        + "fail the same way");
            }
            Duration left = left(timeout, started, waited, clock);
            if (left.compareTo(every) <= 0) {
                return new StepRetry.Outcome(result, checks, "");
            }
            if (!waiter.await(every)) {
                return new StepRetry.Outcome(result, checks, "not checked again: the run was stopped");
            }
            waited = waited.plus(every);
        }
    }

    /** What is left of {@code timeout} since {@code started}: by the clock, or by the waits when they took longer. */
    private static Duration left(Duration timeout, Instant started, Duration waited, Clock clock) {
        Duration elapsed = Duration.between(started, clock.instant());
        Duration spent = elapsed.compareTo(waited) > 0 ? elapsed : waited;
        Duration left = timeout.minus(spent);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    /** The verify step's message for run history: how many checks, over how long, and the last one's words. */
    static String describe(StepSpec step, StepRetry.Outcome outcome, Duration took) {
        String checks = outcome.attempts() + (outcome.attempts() == 1 ? " check" : " checks");
        if (outcome.result().succeeded()) {
            String message = outcome.result().message();
            return outcome.attempts() == 1 ? message : "passed on check " + outcome.attempts() + " after "
                    + Durations.format(took) + (message.isEmpty() ? "" : ": " + message);
        }
        return "did not pass in " + checks + " over " + Durations.format(took) + " (every "
                + Durations.format(step.everyOrDefault()) + ", timeout " + Durations.format(step.timeout()) + "); last: "
                + outcome.result().message() + (outcome.note().isEmpty() ? "" : "; " + outcome.note());
    }
}
