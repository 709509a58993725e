package dev.quench.core.config;

import dev.quench.core.alert.AlertmanagerPayload;
import dev.quench.core.alert.GrafanaPayload;
import dev.quench.core.alert.PagerDutyPayload;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The webhook sources an engine takes alerts from, by the names a sender token is bound to: the built-in
 * {@code alertmanager}, {@code grafana} and {@code pagerduty}, and each generic source configured with
 * {@code sources.NAME.mapping} (posted to {@code /hooks/generic/NAME}). Immutable.
 */
public final class WebhookSources {

    public static final List<String> BUILT_IN = List.of(AlertmanagerPayload.SOURCE, GrafanaPayload.SOURCE,
            PagerDutyPayload.SOURCE);

    private WebhookSources() {
    }

    /** Every source of {@code config}, sorted. */
    public static SortedSet<String> of(QuenchConfig config) {
        Objects.requireNonNull(config, "config");
        TreeSet<String> names = new TreeSet<>(BUILT_IN);
        config.sources().forEach((name, settings) -> {
            if (settings.mappingIfSet().isPresent()) {
                names.add(name);
            }
        });
        return Collections.unmodifiableSortedSet(names);
    }

    /**
     * Refuses a name in {@code sources} that is not one of {@code known}.
     *
     * @throws IllegalArgumentException naming the unknown source and the known ones
     */
    public static void requireKnown(List<String> sources, SortedSet<String> known) {
        for (String source : sources) {
            if (!known.contains(source)) {
                throw new IllegalArgumentException("unknown source '" + source + "': the sources are "
                        + String.join(", ", known) + " (a generic source is the NAME of sources.NAME.mapping in "
                        + "quench.yaml, posted to /hooks/generic/NAME)");
            }
        }
    }
}
