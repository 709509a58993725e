package dev.quench.core.expr;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Whether a point in a shell command is inside quotes the command's author opened. Tracks POSIX
 * quoting only as far as needed to refuse {@code '${{ x }}'} and {@code "${{ x }}"}: inside a
 * command substitution ({@code $( )} or backticks) quoting starts afresh, as the shell parses it
 * as a command of its own, so {@code "$(cmd ${{ x }})"} is outside quotes; where in doubt it errs
 * on the side of refusing.
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

    /** Follows the quoting state through the literal parts of a command, left to right. Not thread-safe. */
    static final class Tracker {

        /** A command substitution being read: the state to return to when it closes. */
        private static final class Substitution {
            private final ShellQuoteContext resumeIn;
            private final boolean backtick;
            /** Unquoted ( not yet closed inside a $( ), as in a subshell or a case pattern. */
            private int openParens;

            Substitution(ShellQuoteContext resumeIn, boolean backtick) {
                this.resumeIn = resumeIn;
                this.backtick = backtick;
            }
        }

        private final Deque<Substitution> substitutions = new ArrayDeque<>();
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
                        } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                            open(false);
                            i++;
                        } else if (c == '`') {
                            if (inside(true)) {
                                close();
                            } else {
                                open(true);
                            }
                        } else if (c == '(' && inside(false)) {
                            substitutions.peek().openParens++;
                        } else if (c == ')' && inside(false)) {
                            if (substitutions.peek().openParens == 0) {
                                close();
                            } else {
                                substitutions.peek().openParens--;
                            }
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
                        } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                            open(false);
                            i++;
                        } else if (c == '`') {
                            open(true);
                        }
                    }
                    default -> throw new IllegalStateException("not a tracking state: " + state);
                }
            }
        }

        private boolean inside(boolean backtick) {
            Substitution innermost = substitutions.peek();
            return innermost != null && innermost.backtick == backtick;
        }

        private void open(boolean backtick) {
            substitutions.push(new Substitution(state, backtick));
            state = UNQUOTED;
        }

        private void close() {
            state = substitutions.pop().resumeIn;
        }

        private int skipEscaped(String text, int backslash) {
            if (backslash + 1 >= text.length()) {
                pendingEscape = true;
            }
            return backslash + 1;
        }
    }
}
