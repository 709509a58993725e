package dev.quench.core.runbook;

import dev.quench.core.expr.ValueTemplate;
import java.util.Objects;

/**
 * A step's {@code forEach}: the list it runs over (a YAML list or one {@code ${{ }}} expression
 * giving a list) and how many items may run at once. Immutable.
 *
 * @param items       the list, compiled; rendered once when the step starts
 * @param concurrency how many iterations may run at the same time, 1 (one after another, the default)
 *                    to {@link #MAX_CONCURRENCY}
 */
public record ForEach(ValueTemplate items, int concurrency) {

    /** More items than this is an error, not an hours-long run: split the work or use a schedule. */
    public static final int MAX_ITEMS = 10_000;
    /** At most this many iterations run at once (and one SSH host allows 10 sessions by default). */
    public static final int MAX_CONCURRENCY = 64;

    public ForEach {
        Objects.requireNonNull(items, "items");
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be from 1 to " + MAX_CONCURRENCY + ", was " + concurrency);
        }
    }
}
