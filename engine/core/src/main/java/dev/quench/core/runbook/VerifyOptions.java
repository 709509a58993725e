package dev.quench.core.runbook;

import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * The options only a step of {@code verify:} has, and those it must not have. A verify step is checked again every
 * {@code every} (default {@link StepSpec#DEFAULT_EVERY}) until it passes or its {@code timeout} (default
 * {@link StepSpec#DEFAULT_TIMEOUT}) ends, so {@code retry:} has nothing to add and {@code continueOnError} would
 * let a run succeed that did not recover. Stateless.
 */
final class VerifyOptions {

    private VerifyOptions() {
    }

    /**
     * Checks a verify step's {@code every} against its {@code timeout} and refuses {@code retry} and
     * {@code continueOnError}; returns {@code every} when it is written and valid.
     */
    static Optional<Duration> check(YamlNode.Mapping step, String displayId, Duration timeout, ProblemList problems) {
        String name = displayId == null ? "a verify step" : "verify step '" + displayId + "'";
        YamlNode.Entry retry = step.entries().get("retry");
        if (retry != null) {
            problems.add(retry.keyPosition(), name + ": retry: does not apply in verify: a verify step is checked "
                    + "again every `every` (default " + Durations.format(StepSpec.DEFAULT_EVERY) + ") until it passes "
                    + "or its timeout (default " + Durations.format(StepSpec.DEFAULT_TIMEOUT) + ") ends; remove retry: "
                    + "and set every: and timeout: instead");
        }
        YamlNode.Entry continueOnError = step.entries().get("continueOnError");
        if (continueOnError != null) {
            problems.add(continueOnError.keyPosition(), name + ": continueOnError does not apply in verify: a check "
                    + "that may fail proves nothing about recovery; remove it, or move the step to steps:");
        }
        YamlNode.Entry every = step.entries().get("every");
        if (every == null) {
            return Optional.empty();
        }
        YamlNode value = every.value();
        String text = value instanceof YamlNode.Scalar scalar && scalar.value() != null ? scalar.value().toString() : "";
        Duration parsed;
        try {
            parsed = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(value.position(), name + ": invalid every '" + text + "': write it like 15s, 1m or 500ms");
            return Optional.empty();
        }
        if (parsed.compareTo(StepSpec.MIN_EVERY) < 0) {
            problems.add(value.position(), name + ": every must be at least " + Durations.format(StepSpec.MIN_EVERY)
                    + " (a tighter loop only loads what it checks), found " + text);
            return Optional.empty();
        }
        if (parsed.compareTo(timeout) >= 0) {
            problems.add(value.position(), name + ": every (" + Durations.format(parsed) + ") must be shorter than the "
                    + "step's timeout (" + Durations.format(timeout) + "), or the step is checked only once; raise "
                    + "timeout: or lower every:");
            return Optional.empty();
        }
        return Optional.of(parsed);
    }

    /** {@code every} outside verify: a problem saying where it belongs; always empty. */
    static Optional<Duration> refuseEvery(YamlNode.Mapping step, String section, ProblemList problems) {
        YamlNode.Entry every = step.entries().get("every");
        if (every != null) {
            problems.add(every.keyPosition(), "every: is for verify steps only (the time between their checks); "
                    + "a step of " + section + ": runs once: use retry: {attempts: 3, delay: 10s} to try it again, "
                    + "or move the check to verify:");
        }
        return Optional.empty();
    }
}
