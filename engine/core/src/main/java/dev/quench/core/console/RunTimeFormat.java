package dev.quench.core.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How the runs screens write times and durations: UTC to the second, durations short. Thread-safe (stateless). */
final class RunTimeFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private RunTimeFormat() {
    }

    /** {@code 2026-12-05 06:25:03Z}, or empty for null. */
    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    /** The machine-readable form for {@code <time datetime>}, or empty for null. */
    static String iso(Instant instant) {
        return instant == null ? "" : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** {@code 850 ms}, {@code 4.2 s}, {@code 3 m 05 s}, {@code 2 h 07 m}; empty when the start is unknown. */
    static String duration(Instant from, Instant to) {
        if (from == null || to == null) {
            return "";
        }
        long millis = Math.max(0, Duration.between(from, to).toMillis());
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format("%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format("%d m %02d s", seconds / 60, seconds % 60);
        }
        return String.format("%d h %02d m", seconds / 3600, (seconds % 3600) / 60);
    }
}
