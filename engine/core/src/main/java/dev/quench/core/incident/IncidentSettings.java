package dev.quench.core.incident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigSection;
import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The config's optional {@code incidents:} section: which alerts form one incident. Immutable.
 *
 * @param groupBy the labels whose values, together, make alerts one incident (default {@code [instance]}: one
 *                incident per target), for alerts that came without a sender's group: an Alertmanager alert
 *                follows its notification's {@code groupKey} instead ({@link IncidentKey}). An alert that has
 *                none of them forms an incident of its own (its source and fingerprint).
 * @param window  an alert joins its group's incident while that is open or resolved less than this long ago
 *                (default 30m), so a flapping alert reopens its incident instead of opening another
 */
public record IncidentSettings(List<String> groupBy, Duration window) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Duration LONGEST_WINDOW = Duration.ofDays(7);

    public static final IncidentSettings DEFAULTS = new IncidentSettings(List.of("instance"), Duration.ofMinutes(30));

    /** The keys as written in the file; absent ones are null and take their default. */
    public record Section(List<String> groupBy, Duration window) {
    }

    public IncidentSettings {
        groupBy = List.copyOf(groupBy);
        Objects.requireNonNull(window, "window");
        if (groupBy.isEmpty() || !groupBy.stream().allMatch(label -> LABEL.matcher(label).matches())
                || window.isNegative() || window.compareTo(LONGEST_WINDOW) > 0) {
            throw new IllegalArgumentException("incident settings out of range: " + groupBy + ", " + window);
        }
    }

    /**
     * Binds the {@code incidents:} section, or the defaults when it is absent.
     *
     * @throws dev.quench.core.config.ConfigException naming the position, the key and what is wrong with it
     */
    public static IncidentSettings from(ConfigSection section) {
        return section.bind(Section.class).map(keys -> new IncidentSettings(groupBy(section, keys.groupBy()),
                window(section, keys.window()))).orElse(DEFAULTS);
    }

    /** {@link #from(ConfigSection)} for a section built in code. */
    public static IncidentSettings from(JsonNode section) {
        return from(ConfigSection.of("incidents", section));
    }

    private static List<String> groupBy(ConfigSection section, List<String> labels) {
        if (labels == null) {
            return DEFAULTS.groupBy();
        }
        if (labels.isEmpty()) {
            throw section.invalid("groupBy", "must name at least one label (like [instance] or [alertname, cluster, "
                    + "service]); leave it out for the default [instance]");
        }
        for (String label : labels) {
            if (label == null || !LABEL.matcher(label).matches()) {
                throw section.invalid("groupBy", "'" + label + "' is not a label name (letters, digits and '_', not "
                        + "starting with a digit)");
            }
        }
        if (labels.stream().distinct().count() < labels.size()) {
            throw section.invalid("groupBy", "names a label twice: " + labels);
        }
        return labels;
    }

    private static Duration window(ConfigSection section, Duration value) {
        if (value == null) {
            return DEFAULTS.window();
        }
        if (value.isNegative() || value.compareTo(LONGEST_WINDOW) > 0) {
            throw section.invalid("window", "must be 0s to 7d (like 30m), got " + Durations.format(value));
        }
        return value;
    }
}
