package dev.quench.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.alert.AlertLimits;
import dev.quench.core.config.ConfigException;

/**
 * The {@code ingest:} section of {@code quench.yaml}: how much the intake holds before answering
 * 503 and the per-alert size limits. Immutable.
 *
 * @param maxPendingAlerts  alerts being stored or waiting to be matched before new deliveries get 503
 * @param retryAfterSeconds the {@code Retry-After} sent with a 503
 * @param limits            per-alert label limits
 * @param journal           a 202 waits for one ingest-journal row per delivery (expanded into alerts
 *                          right after) instead of the alert rows themselves; see docs/sources.md
 */
record IngestSettings(long maxPendingAlerts, int retryAfterSeconds, AlertLimits limits, boolean journal) {

    /** Off by default: on the embedded H2 store the extra expansion commit costs more than it saves (docs/sources.md). */
    static final boolean JOURNAL_DEFAULT = false;

    static final IngestSettings DEFAULT = new IngestSettings(100_000, 5, AlertLimits.DEFAULT, JOURNAL_DEFAULT);

    static IngestSettings from(JsonNode node) {
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
                node.path("journal").asBoolean(DEFAULT.journal()));
        if (settings.maxPendingAlerts() < 1 || settings.retryAfterSeconds() < 1 || settings.limits().maxLabels() < 1) {
            throw new ConfigException("ingest: maxPendingAlerts, retryAfterSeconds and maxLabels must be at least 1");
        }
        return settings;
    }
}
