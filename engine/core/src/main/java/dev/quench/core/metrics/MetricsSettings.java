package dev.quench.core.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code metrics:} section of {@code quench.yaml}: who may scrape {@code GET /metrics} and how many
 * distinct values a label may take. Immutable.
 *
 * @param scrapeTokenFile a file holding a second bearer token that reads {@code /metrics} and nothing else
 *                        (the API token reads it too); absent: only the API token
 * @param openPort        a port on 127.0.0.1 that serves {@code /metrics} without credentials (only
 *                        processes on this machine reach it); absent: none
 * @param maxLabelValues  distinct values kept per label (runbook, alertname, source, team); later ones are
 *                        reported as {@code other}
 */
public record MetricsSettings(Optional<Path> scrapeTokenFile, OptionalInt openPort, int maxLabelValues) {

    public static final MetricsSettings DEFAULTS = new MetricsSettings(Optional.empty(), OptionalInt.empty(), 500);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(String scrapeTokenFile, Integer openPort, Integer maxLabelValues) {
    }

    /**
     * Binds the {@code metrics:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static MetricsSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            if (keys.openPort() != null && (keys.openPort() < 0 || keys.openPort() > 65535)) {
                throw section.invalid("openPort", "must be 0-65535 (0: any free port), got " + keys.openPort());
            }
            if (keys.scrapeTokenFile() != null && keys.scrapeTokenFile().isBlank()) {
                throw section.invalid("scrapeTokenFile", "is empty: name a file holding the scrape token, or leave "
                        + "the key out so that only the API token reads /metrics");
            }
            return new MetricsSettings(Optional.ofNullable(keys.scrapeTokenFile()).map(Path::of),
                    keys.openPort() == null ? OptionalInt.empty() : OptionalInt.of(keys.openPort()),
                    section.atLeast("maxLabelValues", keys.maxLabelValues(), 1, DEFAULTS.maxLabelValues()));
        }).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static MetricsSettings from(JsonNode section) {
        return from(ConfigSection.of("metrics", section));
    }
}
