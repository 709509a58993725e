package dev.quench.core.retention;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import java.time.Duration;

/**
 * The config's optional {@code retention:} section: how long detail is kept, and how gently it is pruned.
 *
 * @param enabled   whether this node prunes at all (default true; one node at a time does, whichever holds the lease)
 * @param alerts    received alerts are kept this long (default 30d); an alert a kept run refers to stays with it
 * @param runs      finished runs, their steps, decisions and schedule fires are kept this long (default 400d)
 * @param audit     audit entries are kept this long (default 400d)
 * @param batchSize rows deleted per statement and transaction (default 1000)
 * @param pause     pause between batches, so intake and runs keep the store (default 100ms)
 * @param every     how often a pass runs (default 1h); the first one a minute after start
 */
public record RetentionSettings(boolean enabled, Duration alerts, Duration runs, Duration audit, int batchSize,
                                Duration pause, Duration every) {

    private static final Duration SHORTEST_KEEP = Duration.ofDays(1);
    private static final int LARGEST_BATCH = 100_000;

    public static final RetentionSettings DEFAULTS = new RetentionSettings(true, Duration.ofDays(30),
            Duration.ofDays(400), Duration.ofDays(400), 1000, Duration.ofMillis(100), Duration.ofHours(1));

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Boolean enabled, Duration alerts, Duration runs, Duration audit, Integer batchSize,
                          Duration pause, Duration every) {
    }

    public RetentionSettings {
        for (Duration keep : new Duration[] {alerts, runs, audit}) {
            if (keep.compareTo(SHORTEST_KEEP) < 0) {
                throw new IllegalArgumentException("retention periods must be at least 1d, was " + keep);
            }
        }
        if (batchSize < 1 || batchSize > LARGEST_BATCH) {
            throw new IllegalArgumentException("retention.batchSize must be 1-" + LARGEST_BATCH + ", was " + batchSize);
        }
        if (pause.isNegative()) {
            throw new IllegalArgumentException("retention.pause must not be negative, was " + pause);
        }
        if (every.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("retention.every must be at least 1m, was " + every);
        }
    }

    /**
     * Binds the {@code retention:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static RetentionSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> new RetentionSettings(
                keys.enabled() != null ? keys.enabled() : DEFAULTS.enabled(),
                keep(section, "alerts", keys.alerts(), DEFAULTS.alerts()),
                keep(section, "runs", keys.runs(), DEFAULTS.runs()),
                keep(section, "audit", keys.audit(), DEFAULTS.audit()),
                batchSize(section, keys.batchSize()),
                pause(section, keys.pause()),
                every(section, keys.every()))).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static RetentionSettings from(JsonNode section) {
        return from(ConfigSection.of("retention", section));
    }

    private static Duration keep(ConfigSection section, String key, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.compareTo(SHORTEST_KEEP) < 0) {
            throw section.invalid(key, "must be at least 1d (write it like 30d or 400d), got "
                    + dev.quench.core.util.Durations.format(value));
        }
        return value;
    }

    private static int batchSize(ConfigSection section, Integer value) {
        int size = section.atLeast("batchSize", value, 1, DEFAULTS.batchSize());
        if (size > LARGEST_BATCH) {
            throw section.invalid("batchSize", "must be at most " + LARGEST_BATCH
                    + ": a larger batch holds its locks longer; got " + size);
        }
        return size;
    }

    private static Duration pause(ConfigSection section, Duration value) {
        if (value == null) {
            return DEFAULTS.pause();
        }
        if (value.isNegative()) {
            throw section.invalid("pause", "must not be negative, got " + value);
        }
        return value;
    }

    private static Duration every(ConfigSection section, Duration value) {
        if (value == null) {
            return DEFAULTS.every();
        }
        if (value.compareTo(Duration.ofMinutes(1)) < 0) {
            throw section.invalid("every", "must be at least 1m, got " + dev.quench.core.util.Durations.format(value));
        }
        return value;
    }
}
