package dev.quench.core.runbook;

import java.util.Objects;

/**
 * A label matcher that cannot be parsed. {@link #column()} is the 0-based offset inside the
 * matcher text where the problem is, so callers can point at it in a file.
 */
public final class MatcherSyntaxException extends IllegalArgumentException {

    private final String input;
    private final int column;

    public MatcherSyntaxException(String message, String input, int column) {
        this(message, input, column, null);
    }

    public MatcherSyntaxException(String message, String input, int column, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.input = Objects.requireNonNull(input, "input");
        this.column = column;
    }

    /** The matcher text as written. */
    public String input() {
        return input;
    }

    /** 0-based offset in {@link #input()} of the offending character. */
    public int column() {
        return column;
    }
}
