package dev.quench.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.alert.AlertLimits;
import dev.quench.core.config.ConfigException;
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
     * Off by default: measured on 2 cores, the journal's second pass (file, then alert rows) costs
     * more CPU than it saves, so the sustained rate is lower (docs/sources.md has the figures).
     */
    static final IngestSettings DEFAULT = new IngestSettings(100_000, 5, AlertLimits.DEFAULT, false,
            AlertRepository.DEFAULT_REDELIVERY_WINDOW, AlertRepository.DEFAULT_REDELIVERY_KEYS, HttpLimits.DEFAULT);

    public static IngestSettings from(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return DEFAULT;
        }
        AlertLimits defaults = AlertLimits.DEFAULT;
        IngestSettings settings = new IngestSettings(
                node.path("maxPendingAlerts").asLong(DEFAULT.maxPendingAlerts()),
                node.path("retryAfterSeconds").asInt(DEFAULT.retryAfterSeconds()),
                new AlertLimits(node.path("maxLabels").asInt(defaults.maxLabels()),
                        node.path("maxNameLength").asInt(defaults.maxNameLength()),
                        node.path("maxLabelValueLength").asInt(defaults.maxLabelValueLength()),
                        node.path("maxAnnotationValueLength").asInt(defaults.maxAnnotationValueLength())),
                journal(node.path("journal")),
                redeliveryWindow(node.path("redeliveryWindow")),
                redeliveryKeys(node.path("redeliveryKeys")),
                HttpLimits.from(node));
        if (settings.maxPendingAlerts() < 1 || settings.retryAfterSeconds() < 1 || settings.limits().maxLabels() < 1) {
            throw new ConfigException("ingest: maxPendingAlerts, retryAfterSeconds and maxLabels must be at least 1");
        }
        if (settings.redeliveryKeys() < 1_000) {
            throw new ConfigException("ingest.redeliveryKeys must be at least 1000, not " + settings.redeliveryKeys());
        }
        return settings;
    }

    private static int redeliveryKeys(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT.redeliveryKeys();
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new ConfigException("ingest.redeliveryKeys must be a whole number of alerts, not '" + node.asText() + "'");
        }
        return node.intValue();
    }

    private static Duration redeliveryWindow(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT.redeliveryWindow();
        }
        Duration window;
        try {
            window = Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ingest.redeliveryWindow: " + e.getMessage());
        }
        if (window.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigException("ingest.redeliveryWindow must be at least 1m, not " + node.asText());
        }
        return window;
    }

    private static boolean journal(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT.journal();
        }
        if (!node.isBoolean()) {
            throw new ConfigException("ingest.journal must be true or false, not " + node);
        }
        return node.booleanValue();
    }
}
