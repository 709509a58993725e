package dev.quench.core.expr;

/**
 * Whether a point in a shell command is inside quotes the command's author opened. Tracks POSIX
 * quoting only as far as needed to refuse {@code '${{ x }}'} and {@code "${{ x }}"}; it errs on the
 * side of refusing (for example {@code "$(cmd ${{ x }})"} counts as inside double quotes).
 */
enum ShellQuoteContext {
    UNQUOTED("outside quotes"),
    SINGLE_QUOTES("inside single quotes"),
    DOUBLE_QUOTES("inside double quotes"),
    /** Right after a backslash, which would escape the opening quote of the inserted word. */
    AFTER_BACKSLASH("right after a backslash");

    private final String description;

    ShellQuoteContext(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** Follows the quoting state through the literal parts of a command, left to right. */
    static final class Tracker {

        private ShellQuoteContext state = UNQUOTED;
        private boolean pendingEscape;

        ShellQuoteContext current() {
            return pendingEscape ? AFTER_BACKSLASH : state;
        }

        void feed(String text) {
            // An escape left pending escaped the inserted value, not this text.
            pendingEscape = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (state) {
                    case UNQUOTED -> {
                        if (c == '\\') {
                            i = skipEscaped(text, i);
                        } else if (c == '\'') {
                            state = SINGLE_QUOTES;
                        } else if (c == '"') {
                            state = DOUBLE_QUOTES;
                        }
                    }
                    case SINGLE_QUOTES -> {
                        if (c == '\'') {
                            state = UNQUOTED;
                        }
                    }
                    case DOUBLE_QUOTES -> {
                        if (c == '\\') {
                            i = skipEscaped(text, i);
                        } else if (c == '"') {
                            state = UNQUOTED;
                        }
                    }
                    default -> throw new IllegalStateException("not a tracking state: " + state);
                }
            }
        }

        private int skipEscaped(String text, int backslash) {
            if (backslash + 1 >= text.length()) {
                pendingEscape = true;
            }
            return backslash + 1;
        }
    }
}
