package dev.quench.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.alert.AlertLimits;
import dev.quench.core.config.ConfigException;
import dev.quench.core.config.ConfigSection;
import dev.quench.core.store.AlertRepository;
import dev.quench.core.util.Durations;
import java.time.Duration;

/**
 * The {@code ingest:} section of {@code quench.yaml}: how much the intake holds before answering
 * 503 and the per-alert size limits. Immutable.
 *
 * @param maxPendingAlerts  alerts being stored or waiting to be matched before new deliveries get 503
 * @param retryAfterSeconds the {@code Retry-After} sent with a 503
 * @param limits            per-alert label limits
 * @param journal           true: a 202 waits for the delivery's record in the ingest journal file
 *                          (stored as alerts right after); false (the default): for the alert rows
 *                          themselves; see docs/sources.md
 * @param redeliveryWindow  how long a re-delivery of an alert stored in bulk (firing, matched no
 *                          runbook) is recognised
 * @param redeliveryKeys    at most this many alerts' keys are kept for that (32 to 64 bytes each)
 * @param http              connections, timeouts and body limits of the HTTP server
 */
public record IngestSettings(long maxPendingAlerts, int retryAfterSeconds, AlertLimits limits, boolean journal,
                      Duration redeliveryWindow, int redeliveryKeys, HttpLimits http) {

    /**
     * Off by default, for the default embedded H2 store: measured on 2 cores, the journal's second pass
     * (file, then alert rows) costs more CPU than it saves there. With PostgreSQL it pays (the writer no
     * longer waits for each transaction), so docs/sources.md says to turn it on there.
     */
    static final IngestSettings DEFAULT = new IngestSettings(100_000, 5, AlertLimits.DEFAULT, false,
            AlertRepository.DEFAULT_REDELIVERY_WINDOW, AlertRepository.DEFAULT_REDELIVERY_KEYS, HttpLimits.DEFAULT);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Long maxPendingAlerts, Integer retryAfterSeconds, Integer maxLabels, Integer maxNameLength,
                   Integer maxLabelValueLength, Integer maxAnnotationValueLength, Boolean journal,
                   Duration redeliveryWindow, Integer redeliveryKeys, Integer maxConnections, Duration idleTimeout,
                   Duration requestTimeout, Long webhookBodyLimit, Long apiBodyLimit) {
    }

    /**
     * Binds the {@code ingest:} section, or the defaults when it is absent.
     *
     * @throws ConfigException naming the position, the key and what is wrong with it
     */
    public static IngestSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            AlertLimits defaults = AlertLimits.DEFAULT;
            return new IngestSettings(
                    section.atLeast("maxPendingAlerts", keys.maxPendingAlerts(), 1, DEFAULT.maxPendingAlerts()),
                    section.atLeast("retryAfterSeconds", keys.retryAfterSeconds(), 1, DEFAULT.retryAfterSeconds()),
                    new AlertLimits(section.atLeast("maxLabels", keys.maxLabels(), 1, defaults.maxLabels()),
                            section.atLeast("maxNameLength", keys.maxNameLength(), 1, defaults.maxNameLength()),
                            section.atLeast("maxLabelValueLength", keys.maxLabelValueLength(), 1,
                                    defaults.maxLabelValueLength()),
                            section.atLeast("maxAnnotationValueLength", keys.maxAnnotationValueLength(), 1,
                                    defaults.maxAnnotationValueLength())),
                    keys.journal() != null ? keys.journal() : DEFAULT.journal(),
                    atLeast(section, "redeliveryWindow", keys.redeliveryWindow(), Duration.ofMinutes(1), "1m",
                            DEFAULT.redeliveryWindow()),
                    section.atLeast("redeliveryKeys", keys.redeliveryKeys(), 1_000, DEFAULT.redeliveryKeys()),
                    HttpLimits.from(section, keys));
        }).orElse(DEFAULT);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static IngestSettings from(JsonNode node) {
        return from(ConfigSection.of("ingest", node));
    }

    static Duration atLeast(ConfigSection section, String key, Duration value, Duration least, String leastText,
                            Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.compareTo(least) < 0) {
            throw section.invalid(key, "must be at least " + leastText + ", got " + Durations.format(value));
        }
        return value;
    }
}
