package dev.quench.core.expr;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The regex behind {@code matches()} and {@code regexFind()}, with limits: a pattern of at most
 * {@link #MAX_PATTERN} characters, text of at most {@link #MAX_TEXT} characters, and matching that
 * stops when the expression's time limit interrupts it (Java's regex engine backtracks, so a
 * pattern like {@code (a+)+$} can take exponential time; the text cap bounds the damage and the
 * interrupt ends it). Compiled patterns are cached. Thread-safe.
 */
final class RegexFunctions {

    static final int MAX_PATTERN = 1_000;
    static final int MAX_TEXT = 100_000;
    private static final int CACHE_LIMIT = 256;
    private static final ConcurrentMap<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private RegexFunctions() {
    }

    static Matcher matcher(String function, Object text, Object regex) {
        if (regex == null) {
            throw new IllegalArgumentException(function + ": the regex is null");
        }
        String source = regex.toString();
        if (source.length() > MAX_PATTERN) {
            throw new IllegalArgumentException(function + ": the regex has " + source.length() + " characters; at most "
                    + MAX_PATTERN + " are allowed");
        }
        String input = text.toString();
        if (input.length() > MAX_TEXT) {
            throw new IllegalArgumentException(function + ": the text has " + input.length() + " characters; at most "
                    + MAX_TEXT + " are searched (take a part first, like trim() or a shorter output)");
        }
        return pattern(function, source).matcher(new Interruptible(input));
    }

    private static Pattern pattern(String function, String source) {
        Pattern cached = CACHE.get(source);
        if (cached != null) {
            return cached;
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(source);
        } catch (PatternSyntaxException e) {
            // The pattern is not quoted: it may come from a secret; the index points into it.
            throw new IllegalArgumentException(function + ": invalid regex: " + e.getDescription()
                    + " near index " + e.getIndex(), e);
        }
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.putIfAbsent(source, pattern);
        }
        return pattern;
    }

    /** Text whose reads fail once the thread is interrupted, so a runaway match stops at the time limit. */
    private record Interruptible(String text) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("the regex match was stopped at the time limit");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Interruptible(text.substring(start, end));
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
