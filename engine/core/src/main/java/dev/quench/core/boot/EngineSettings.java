package dev.quench.core.boot;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.console.ConsoleSettings;
import dev.quench.core.dispatch.ClusterSettings;
import dev.quench.core.dispatch.ExecutorSettings;
import dev.quench.core.events.EventLimits;
import dev.quench.core.incident.IncidentSettings;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.retention.RetentionSettings;
import dev.quench.core.metrics.MetricsSettings;
import dev.quench.core.schedule.ScheduleSettings;
import dev.quench.core.server.ApprovalSettings;
import dev.quench.core.server.OidcSettings;

/**
 * The engine's own {@code quench.yaml} sections that packages above the config own, bound strictly
 * in one place before anything starts, so a wrong key stops the start rather than a part of the
 * engine half-way up. Immutable.
 *
 * @param executor the {@code executor:} section
 * @param schedule the {@code schedule:} section
 * @param ingest   the {@code ingest:} section
 * @param approval the {@code approval:} section
 * @param oidc     the {@code oidc:} section, if any
 * @param events   the {@code events:} section (live run events)
 * @param retention the {@code retention:} section
 * @param metrics  the {@code metrics:} section
 * @param logging  the {@code logging:} section
 * @param cluster  the {@code cluster:} section
 * @param console  the {@code console:} section (the web console)
 * @param incidents the {@code incidents:} section
 * @param toil     the {@code toil:} section (what the ledger charges for human work)
 */
public record EngineSettings(ExecutorSettings executor, ScheduleSettings schedule, IngestSettings ingest,
                             ApprovalSettings approval, java.util.Optional<OidcSettings> oidc, EventLimits events,
                             RetentionSettings retention, MetricsSettings metrics, LoggingSettings logging,
                             ClusterSettings cluster, ConsoleSettings console, IncidentSettings incidents,
                             dev.quench.core.ledger.ToilSettings toil) {

    /**
     * Binds the sections of {@code config}.
     *
     * @throws dev.quench.core.config.ConfigException naming {@code FILE:LINE:COL}, the key and what is wrong
     */
    public static EngineSettings bind(QuenchConfig config) {
        return new EngineSettings(ExecutorSettings.from(config.section("executor")),
                ScheduleSettings.from(config.section("schedule")), IngestSettings.from(config.section("ingest")),
                ApprovalSettings.from(config.section("approval")), OidcSettings.from(config.section("oidc")),
                EventLimits.from(config.section("events")), RetentionSettings.from(config.section("retention")),
                MetricsSettings.from(config.section("metrics")), LoggingSettings.from(config.section("logging")),
                ClusterSettings.from(config.section("cluster")), ConsoleSettings.from(config.section("console")),
                IncidentSettings.from(config.section("incidents")),
                dev.quench.core.ledger.ToilSettings.from(config.section("toil")));
    }
}
