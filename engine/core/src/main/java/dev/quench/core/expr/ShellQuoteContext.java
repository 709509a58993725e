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

    /**
     * Follows the quoting state through the literal parts of a command, left to right, and the words
     * of the command being read ({@link ShellWords}). Not thread-safe.
     */
    static final class Tracker {

        /** A command substitution being read: what to return to when it closes. */
        private static final class Substitution {
            private final ShellQuoteContext resumeIn;
            private final boolean backtick;
            private final ShellWords outerWords;
            /** Unquoted ( not yet closed inside a $( ), as in a subshell or a case pattern. */
            private int openParens;

            Substitution(ShellQuoteContext resumeIn, boolean backtick, ShellWords outerWords) {
                this.resumeIn = resumeIn;
                this.backtick = backtick;
                this.outerWords = outerWords;
            }
        }

        private final Deque<Substitution> substitutions = new ArrayDeque<>();
        private ShellQuoteContext state = UNQUOTED;
        private ShellWords words = new ShellWords();
        private boolean pendingEscape;

        ShellQuoteContext current() {
            return pendingEscape ? AFTER_BACKSLASH : state;
        }

        /**
         * The command that a value inserted now would be an argument of, before any {@code --}, or
         * null (see {@link ShellWords#argumentOf()}).
         */
        String argumentOf() {
            return state == UNQUOTED && !pendingEscape ? words.argumentOf() : null;
        }

        /** A value is inserted here: it is (part of) a word. */
        void inserted() {
            words.opaque();
        }

        void feed(String text) {
            // An escape left pending escaped the inserted value, not this text.
            pendingEscape = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (state) {
                    case UNQUOTED -> i = unquoted(text, i);
                    case SINGLE_QUOTES -> {
                        if (c == '\'') {
                            state = UNQUOTED;
                        }
                        words.wordChar(c);
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
                        } else {
                            words.wordChar(c);
                        }
                    }
                    default -> throw new IllegalStateException("not a tracking state: " + state);
                }
            }
        }

        /** Reads the unquoted character at {@code i}; returns the index of the last character it used. */
        private int unquoted(String text, int i) {
            char c = text.charAt(i);
            if (c == '\\') {
                words.wordChar(c);
                return skipEscaped(text, i);
            } else if (c == '\'') {
                words.wordChar(c);
                state = SINGLE_QUOTES;
            } else if (c == '"') {
                words.wordChar(c);
                state = DOUBLE_QUOTES;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                open(false);
                return i + 1;
            } else if (c == '`') {
                if (inside(true)) {
                    close();
                } else {
                    open(true);
                }
            } else if (c == '(') {
                if (inside(false)) {
                    substitutions.peek().openParens++;
                }
                words.commandEnds();
            } else if (c == ')') {
                if (inside(false) && substitutions.peek().openParens == 0) {
                    close();
                } else {
                    if (inside(false)) {
                        substitutions.peek().openParens--;
                    }
                    words.commandEnds();
                }
            } else if (c == ' ' || c == '\t') {
                words.blank();
            } else if (c == '&' && i > 0 && (text.charAt(i - 1) == '>' || text.charAt(i - 1) == '<')) {
                // 2>&1: part of the redirection
                words.redirect();
            } else if (c == '\n' || c == ';' || c == '|' || c == '&') {
                words.commandEnds();
            } else if (c == '<' || c == '>') {
                words.redirect();
            } else {
                words.wordChar(c);
            }
            return i;
        }

        private boolean inside(boolean backtick) {
            Substitution innermost = substitutions.peek();
            return innermost != null && innermost.backtick == backtick;
        }

        private void open(boolean backtick) {
            // The substitution is (part of) a word of the command around it.
            words.opaque();
            substitutions.push(new Substitution(state, backtick, words));
            state = UNQUOTED;
            words = new ShellWords();
        }

        private void close() {
            Substitution closed = substitutions.pop();
            state = closed.resumeIn;
            words = closed.outerWords;
        }

        private int skipEscaped(String text, int backslash) {
            if (backslash + 1 >= text.length()) {
                pendingEscape = true;
                return backslash;
            }
            words.wordChar(text.charAt(backslash + 1));
            return backslash + 1;
        }
    }
}
