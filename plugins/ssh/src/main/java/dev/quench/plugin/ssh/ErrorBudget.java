package dev.quench.plugin.ssh;

/**
 * How many failed targets a fan-out tolerates before it stops starting new ones ({@code maxErrors}): a
 * count, or a percentage of the targets rounded down, like AWS SSM's rate control. Immutable.
 *
 * @param value   the count, or the percentage
 * @param percent true when {@code value} is a percentage
 */
record ErrorBudget(int value, boolean percent) {

    ErrorBudget {
        if (value < 0 || percent && value > 100) {
            throw new IllegalArgumentException("maxErrors must be a count (3) or a percentage from 0% to 100%, got "
                    + value + (percent ? "%" : ""));
        }
    }

    static ErrorBudget count(int value) {
        return new ErrorBudget(value, false);
    }

    /** Parses {@code 3} or {@code 10%}. */
    static ErrorBudget parse(String text) {
        String trimmed = text.strip();
        boolean percent = trimmed.endsWith("%");
        String digits = percent ? trimmed.substring(0, trimmed.length() - 1).strip() : trimmed;
        try {
            return new ErrorBudget(Integer.parseInt(digits), percent);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("maxErrors must be a count (3) or a percentage (10%), got " + text, e);
        }
    }

    /** How many failures {@code targets} targets may have before the rollout stops. */
    int allowedFailures(int targets) {
        return percent ? (int) ((long) targets * value / 100) : value;
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
