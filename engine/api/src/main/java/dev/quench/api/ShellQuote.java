package dev.quench.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Quotes a value as exactly one POSIX shell word. Values made only of characters that no shell
 * treats specially stay as they are (readable commands in run logs); everything else is wrapped
 * in single quotes, inside which nothing is special, and each {@code '} becomes {@code '\''}.
 * The one quoting rule of Quench: the engine's expression renderer and every plugin that builds a
 * command line use it. Thread-safe.
 */
public final class ShellQuote {

    // The same conservative set as Python's shlex.quote: no globs, no ~, no braces, no spaces.
    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {
    }

    /** {@code value} as one shell word; the empty string becomes {@code ''}. */
    public static String quote(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            return "''";
        }
        if (SAFE_WORD.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
