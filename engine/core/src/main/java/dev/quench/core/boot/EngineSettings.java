package dev.quench.core.boot;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.dispatch.ClusterSettings;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.schedule.ScheduleSettings;

/**
 * The engine's own {@code quench.yaml} sections that packages above the config own, bound strictly
 * in one place before anything starts, so a wrong key stops the start rather than a part of the
 * engine half-way up. Immutable.
 *
 * @param executor the {@code executor:} section
 * @param schedule the {@code schedule:} section
 * @param ingest   the {@code ingest:} section
 * @param cluster  the {@code cluster:} section
 */
public record EngineSettings(ExecutorSettings executor, ScheduleSettings schedule, IngestSettings ingest,
                             ClusterSettings cluster) {

    /**
     * Binds the sections of {@code config}.
     *
     * @throws dev.quench.core.config.ConfigException naming {@code FILE:LINE:COL}, the key and what is wrong
     */
    public static EngineSettings bind(QuenchConfig config) {
        return new EngineSettings(ExecutorSettings.from(config.section("executor")),
                ScheduleSettings.from(config.section("schedule")), IngestSettings.from(config.section("ingest")),
                ClusterSettings.from(config.section("cluster")));
    }
}
