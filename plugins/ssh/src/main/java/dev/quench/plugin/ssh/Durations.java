package dev.quench.plugin.ssh;

import java.time.Duration;

/** Durations written the way runbooks write them ({@code 10s}, {@code 1.5s}, {@code 5m}). */
final class Durations {

    private Durations() {
    }

    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis >= 60_000) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis >= 1000 ? String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0) : millis + "ms";
    }
}
