package dev.quench.core.runbook;

import dev.quench.core.expr.Template;
import java.util.Objects;

/**
 * A runbook's {@code guards.errorBudget}: a PromQL query (a burn rate, or the budget left) read through the
 * {@code prometheus.query} step type before each run, and what to do when its value crosses a threshold.
 * Immutable and thread-safe.
 *
 * @param query     the PromQL query; may insert {@code alert} and {@code params} (rendered for PromQL)
 * @param above     true for {@code above: N} (the guard acts when the value is above), false for {@code below: N}
 * @param threshold N
 * @param then      what happens to the run when the value crosses the threshold (or cannot be read)
 */
public record ErrorBudgetSpec(Template query, boolean above, double threshold, Action then) {

    /** The step type that reads the budget; a runbook with errorBudget does not load without it. */
    public static final String STEP_TYPE = "prometheus.query";

    /** What the guard does with a run when the budget says "hold back". */
    public enum Action {
        /** The run waits for a person to approve it ({@code awaiting_approval}), saying why. */
        REQUIRE_APPROVAL("requireApproval"),
        /** The run is refused: automation acts only while the budget allows. */
        SKIP("skip");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        /** As written in a runbook. */
        public String wireName() {
            return wireName;
        }
    }

    public ErrorBudgetSpec {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(then, "then");
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("errorBudget threshold must be a finite number, found " + threshold);
        }
    }

    /** Whether a read {@code value} crosses the threshold (the guard holds the run back). */
    public boolean crossed(double value) {
        return above ? value > threshold : value < threshold;
    }

    /** {@code above 14.4} or {@code below 0.1}. */
    public String condition() {
        return (above ? "above " : "below ") + number(threshold);
    }

    /** A number as people write it: 14.4, 3, 0.001. */
    public static String number(double value) {
        return new java.math.BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
