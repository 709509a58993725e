package dev.quench.core.util;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as runbook authors write them: {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h30m}, {@code 2d}, or ISO-8601 ({@code PT1M}). Thread-safe.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration: write it like 30s, 5m, 1h30m or 500ms");
        }
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.startsWith("pt") || trimmed.startsWith("p")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid duration '" + text + "': write it like 30s, 5m, 1h30m or 500ms", e);
            }
        }
        Matcher matcher = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int position = 0;
        while (position < trimmed.length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                throw new IllegalArgumentException("invalid duration '" + text + "': write it like 30s, 5m, 1h30m or 500ms");
            }
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
            position = matcher.end();
        }
        return total;
    }

    /** Formats like {@link #parse} reads: {@code 1h30m}, {@code 45s}, {@code 250ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long days = duration.toDays();
        long hours = duration.toHoursPart();
        long minutes = duration.toMinutesPart();
        long seconds = duration.toSecondsPart();
        long millis = duration.toMillisPart();
        if (days > 0) {
            text.append(days).append('d');
        }
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0) {
            text.append(seconds).append('s');
        }
        if (millis > 0) {
            text.append(millis).append("ms");
        }
        return text.toString();
    }
}
