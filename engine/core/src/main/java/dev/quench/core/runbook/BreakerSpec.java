package dev.quench.core.runbook;

import java.time.Duration;
import java.util.Objects;

/**
 * A runbook's {@code guards.breaker}: automation's own budget. When {@code failures} runs of the runbook
 * failed within {@code within}, the breaker trips and new runs are refused until an operator resets it or
 * {@code coolOff} has passed since it tripped. Immutable and thread-safe.
 *
 * @param failures how many failed runs trip it, 1 to {@link #MAX_FAILURES}
 * @param within   the window the failures are counted in (by when they ended)
 * @param coolOff  how long it stays tripped without an operator; {@code within} when not written
 */
public record BreakerSpec(int failures, Duration within, Duration coolOff) {

    /** The largest {@code failures}: a breaker that needs more is no breaker. */
    public static final int MAX_FAILURES = 1000;
    /** Bounds of {@code within} and {@code coolOff}. */
    public static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    public static final Duration MAX_WINDOW = Duration.ofDays(30);

    public BreakerSpec {
        Objects.requireNonNull(within, "within");
        Objects.requireNonNull(coolOff, "coolOff");
        if (failures < 1 || failures > MAX_FAILURES) {
            throw new IllegalArgumentException("breaker failures must be from 1 to " + MAX_FAILURES + ", found " + failures);
        }
    }
}
