package dev.quench.core.runbook;

import dev.quench.core.expr.Template;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A runbook's {@code guards:}: how often it may start. Checked before every run, whatever started
 * it (alert, schedule or by hand). Immutable and thread-safe.
 *
 * @param cooldown       after a run for one dedupe key, no other run for that key until this has passed
 * @param maxRunsPerHour at most this many runs of the runbook in any 60 minutes, over all keys
 * @param dedupeKey      what makes two runs "the same" for the cooldown; empty: the alert's
 *                       fingerprint for alert runs, the runbook itself for scheduled and manual runs
 * @param breaker        the circuit breaker: too many failed runs trip it and new runs are refused
 * @param errorBudget    the error-budget gate: a PromQL value read before each run holds runs back
 * @param lockKey        one run at a time per key ({@link LockKeySpec#DEFAULT}: the first step's target host)
 */
public record RunbookGuards(Optional<Duration> cooldown, OptionalInt maxRunsPerHour, Optional<Template> dedupeKey,
                            Optional<BreakerSpec> breaker, Optional<ErrorBudgetSpec> errorBudget,
                            LockKeySpec lockKey) {

    /** No guards: every run is admitted (runs on one target host still run one at a time). */
    public static final RunbookGuards NONE = new RunbookGuards(Optional.empty(), OptionalInt.empty(), Optional.empty());

    public RunbookGuards {
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(maxRunsPerHour, "maxRunsPerHour");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(errorBudget, "errorBudget");
        Objects.requireNonNull(lockKey, "lockKey");
    }

    /** Guards with the default lock key. */
    public RunbookGuards(Optional<Duration> cooldown, OptionalInt maxRunsPerHour, Optional<Template> dedupeKey,
                         Optional<BreakerSpec> breaker, Optional<ErrorBudgetSpec> errorBudget) {
        this(cooldown, maxRunsPerHour, dedupeKey, breaker, errorBudget, LockKeySpec.DEFAULT);
    }

    /** Guards without an error budget. */
    public RunbookGuards(Optional<Duration> cooldown, OptionalInt maxRunsPerHour, Optional<Template> dedupeKey,
                         Optional<BreakerSpec> breaker) {
        this(cooldown, maxRunsPerHour, dedupeKey, breaker, Optional.empty());
    }

    /** Guards without a breaker. */
    public RunbookGuards(Optional<Duration> cooldown, OptionalInt maxRunsPerHour, Optional<Template> dedupeKey) {
        this(cooldown, maxRunsPerHour, dedupeKey, Optional.empty());
    }

    /** These guards with {@code newBreaker}. */
    public RunbookGuards withBreaker(Optional<BreakerSpec> newBreaker) {
        return new RunbookGuards(cooldown, maxRunsPerHour, dedupeKey, newBreaker, errorBudget, lockKey);
    }

    /** These guards with {@code newErrorBudget}. */
    public RunbookGuards withErrorBudget(Optional<ErrorBudgetSpec> newErrorBudget) {
        return new RunbookGuards(cooldown, maxRunsPerHour, dedupeKey, breaker, newErrorBudget, lockKey);
    }

    /** These guards with {@code newLockKey}. */
    public RunbookGuards withLockKey(LockKeySpec newLockKey) {
        return new RunbookGuards(cooldown, maxRunsPerHour, dedupeKey, breaker, errorBudget, newLockKey);
    }

    /** Whether any guard that admission checks under the runbook's lock is set (the lock key is not one). */
    public boolean any() {
        return cooldown.isPresent() || maxRunsPerHour.isPresent() || breaker.isPresent() || errorBudget.isPresent();
    }

    @Override
    public String toString() {
        return "guards{cooldown=" + cooldown.map(dev.quench.core.util.Durations::format).orElse("-")
                + ", maxRunsPerHour=" + (maxRunsPerHour.isPresent() ? maxRunsPerHour.getAsInt() : "-")
                + ", dedupeKey=" + dedupeKey.map(Template::source).orElse("default")
                + breaker.map(spec -> ", breaker=" + spec.failures() + " in "
                + dev.quench.core.util.Durations.format(spec.within())).orElse("")
                + errorBudget.map(budget -> ", errorBudget=" + budget.query().source() + " " + budget.condition()
                + " then " + budget.then().wireName()).orElse("")
                + (lockKey instanceof LockKeySpec.TargetHost ? "" : ", lockKey=" + switch (lockKey) {
                    case LockKeySpec.None none -> "none";
                    case LockKeySpec.Expression expression -> expression.template().source();
                    case LockKeySpec.TargetHost host -> "host";
                }) + "}";
    }
}
