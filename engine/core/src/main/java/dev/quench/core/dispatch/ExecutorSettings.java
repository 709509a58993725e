package dev.quench.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigException;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.List;

/**
 * The queue and shutdown settings of the config's {@code executor:} section (its
 * {@code maxConcurrentRuns} and {@code outputLimitBytes} are read with the rest of the config).
 * Immutable.
 *
 * @param maxQueuedRuns       queued runs of all runbooks together; a run beyond is recorded refused ("queue full")
 * @param maxQueuedPerRunbook queued runs of one runbook; a run beyond is recorded refused ("queue full")
 * @param shutdownGrace       how long a stop waits for running runs before it cancels them (their
 *                            {@code finally} steps still run) and records them interrupted by shutdown
 */
public record ExecutorSettings(int maxQueuedRuns, int maxQueuedPerRunbook, Duration shutdownGrace) {

    public static final ExecutorSettings DEFAULTS = new ExecutorSettings(1000, 100, Duration.ofSeconds(30));

    private static final List<String> KEYS = List.of("maxConcurrentRuns", "outputLimitBytes", "maxQueuedRuns",
            "maxQueuedPerRunbook", "shutdownGrace");

    public ExecutorSettings {
        if (maxQueuedRuns < 1) {
            throw new ConfigException("executor.maxQueuedRuns must be at least 1, was " + maxQueuedRuns);
        }
        if (maxQueuedPerRunbook < 1) {
            throw new ConfigException("executor.maxQueuedPerRunbook must be at least 1, was " + maxQueuedPerRunbook);
        }
        if (shutdownGrace.isNegative()) {
            throw new ConfigException("executor.shutdownGrace must not be negative, was " + shutdownGrace);
        }
    }

    /**
     * Reads the {@code executor:} section, or the defaults when it is absent.
     *
     * @throws ConfigException naming the key and what is wrong with it
     */
    public static ExecutorSettings from(JsonNode section) {
        if (section == null || section.isNull() || section.isMissingNode()) {
            return DEFAULTS;
        }
        if (!section.isObject()) {
            throw new ConfigException("executor must be a mapping (executor: {maxConcurrentRuns: 16, ...}), found "
                    + section.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        section.fieldNames().forEachRemaining(key -> {
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown key executor." + key + DidYouMean.hint(key, KEYS)
                        + " (executor takes " + String.join(", ", KEYS) + ")");
            }
        });
        return new ExecutorSettings(
                count(section, "maxQueuedRuns", DEFAULTS.maxQueuedRuns()),
                count(section, "maxQueuedPerRunbook", DEFAULTS.maxQueuedPerRunbook()),
                section.hasNonNull("shutdownGrace") ? duration(section.get("shutdownGrace")) : DEFAULTS.shutdownGrace());
    }

    private static int count(JsonNode section, String key, int fallback) {
        JsonNode value = section.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new ConfigException("executor." + key + " must be a whole number, found '" + value.asText() + "'");
        }
        return value.asInt();
    }

    private static Duration duration(JsonNode value) {
        try {
            return Durations.parse(value.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("executor.shutdownGrace: " + e.getMessage(), e);
        }
    }
}
