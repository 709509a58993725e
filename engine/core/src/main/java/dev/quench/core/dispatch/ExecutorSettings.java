package dev.quench.core.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import java.time.Duration;

/**
 * The config's {@code executor:} section: how many runs execute at once, how much output is kept,
 * the queue limits and the shutdown grace. Immutable.
 *
 * @param maxConcurrentRuns   how many runs execute at once
 * @param outputLimitBytes    how much of each step's stdout/stderr is kept
 * @param maxQueuedRuns       queued runs of all runbooks together; a run beyond is recorded refused ("queue full")
 * @param maxQueuedPerRunbook queued runs of one runbook; a run beyond is recorded refused ("queue full")
 * @param shutdownGrace       how long a stop waits for running runs before it cancels them: their
 *                            {@code finally} steps still run, and they are recorded {@code cancelled} (not
 *                            {@code interrupted}, which is a dead node's run) with a message that starts
 *                            "interrupted by shutdown"; the next start does not repeat them
 */
public record ExecutorSettings(int maxConcurrentRuns, int outputLimitBytes, int maxQueuedRuns,
                               int maxQueuedPerRunbook, Duration shutdownGrace) {

    public static final ExecutorSettings DEFAULTS =
            new ExecutorSettings(16, 64 * 1024, 1000, 100, Duration.ofSeconds(30));

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(Integer maxConcurrentRuns, Integer outputLimitBytes, Integer maxQueuedRuns,
                   Integer maxQueuedPerRunbook, Duration shutdownGrace) {
    }

    public ExecutorSettings {
        if (maxConcurrentRuns < 1 || outputLimitBytes < 0 || maxQueuedRuns < 1 || maxQueuedPerRunbook < 1
                || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("executor settings out of range: " + maxConcurrentRuns + ", "
                    + outputLimitBytes + ", " + maxQueuedRuns + ", " + maxQueuedPerRunbook + ", " + shutdownGrace);
        }
    }

    /**
     * Binds the {@code executor:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static ExecutorSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            if (keys.shutdownGrace() != null && keys.shutdownGrace().isNegative()) {
                throw section.invalid("shutdownGrace", "must not be negative, got " + keys.shutdownGrace());
            }
            return new ExecutorSettings(
                    section.atLeast("maxConcurrentRuns", keys.maxConcurrentRuns(), 1, DEFAULTS.maxConcurrentRuns()),
                    section.atLeast("outputLimitBytes", keys.outputLimitBytes(), 0, DEFAULTS.outputLimitBytes()),
                    section.atLeast("maxQueuedRuns", keys.maxQueuedRuns(), 1, DEFAULTS.maxQueuedRuns()),
                    section.atLeast("maxQueuedPerRunbook", keys.maxQueuedPerRunbook(), 1,
                            DEFAULTS.maxQueuedPerRunbook()),
                    keys.shutdownGrace() != null ? keys.shutdownGrace() : DEFAULTS.shutdownGrace());
        }).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static ExecutorSettings from(JsonNode section) {
        return from(ConfigSection.of("executor", section));
    }
}
