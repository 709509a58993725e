package dev.quench.core.boot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;

/**
 * The {@code logging:} section of {@code quench.yaml}. Immutable.
 *
 * @param json true ({@code format: json}): one JSON object per log line, carrying the run id, runbook and
 *             step of the run it belongs to ({@code mdc}); false ({@code format: text}, the default): plain lines
 */
public record LoggingSettings(boolean json) {

    public static final LoggingSettings DEFAULTS = new LoggingSettings(false);

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(String format) {
    }

    /**
     * Binds the {@code logging:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static LoggingSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> {
            if (keys.format() == null) {
                return DEFAULTS;
            }
            return switch (keys.format()) {
                case "text" -> new LoggingSettings(false);
                case "json" -> new LoggingSettings(true);
                default -> throw section.invalid("format", "must be text or json, got '" + keys.format() + "'");
            };
        }).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static LoggingSettings from(JsonNode section) {
        return from(ConfigSection.of("logging", section));
    }
}
