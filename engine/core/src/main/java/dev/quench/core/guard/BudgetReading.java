package dev.quench.core.guard;

import java.util.Objects;

/** What reading an error budget ({@code guards.errorBudget}) gave: a value, or why there is none. */
public sealed interface BudgetReading {

    /**
     * The query's value: of its one series, or the worst of several (the highest for {@code above}, the lowest
     * for {@code below}).
     *
     * @param value  the value
     * @param series how many series the query returned
     */
    record Value(double value, int series) implements BudgetReading {
    }

    /** No usable value: Prometheus unreachable or refusing the query, no series, NaN. */
    record Unreadable(String why) implements BudgetReading {
        public Unreadable {
            Objects.requireNonNull(why, "why");
        }
    }
}
