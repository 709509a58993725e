package dev.quench.core.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One alert, normalised from whatever sent it. Immutable.
 *
 * @param source       the webhook it came through ({@code alertmanager}, {@code grafana}, ...)
 * @param fingerprint  the sender's identity of the alert (same labels, same fingerprint)
 * @param status       firing or resolved; trusted over {@code endsAt}
 * @param labels       identifying labels; {@code alertname} names the alert
 * @param annotations  descriptive text
 * @param startsAt     when it started firing, or null if the sender did not say
 * @param endsAt       when it resolved, or null (Alertmanager's {@code 0001-01-01} means none)
 * @param generatorUrl link back to the source, may be empty
 * @param groupKey     the sender's notification group ({@code groupKey} of an Alertmanager webhook, capped by
 *                     {@link GroupKeys#capped}), or empty when the sender groups nothing. Data from outside:
 *                     shown escaped, never interpreted
 */
public record Alert(String source, String fingerprint, AlertStatus status, Map<String, String> labels,
                    Map<String, String> annotations, Instant startsAt, Instant endsAt, String generatorUrl,
                    String groupKey) {

    public Alert {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        labels = frozen(labels, "labels");
        annotations = frozen(annotations, "annotations");
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
        groupKey = groupKey == null ? "" : groupKey;
    }

    /** An alert that came in no sender's group (Grafana, PagerDuty, generic sources, samples). */
    public Alert(String source, String fingerprint, AlertStatus status, Map<String, String> labels,
                 Map<String, String> annotations, Instant startsAt, Instant endsAt, String generatorUrl) {
        this(source, fingerprint, status, labels, annotations, startsAt, endsAt, generatorUrl, "");
    }

    /**
     * An unmodifiable copy that keeps the sender's order (the journal and the API write it in that order;
     * iterating it is cheaper than {@link Map#copyOf}'s). No null key or value.
     */
    private static Map<String, String> frozen(Map<String, String> map, String what) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        if (map instanceof Fresh fresh) {
            return Collections.unmodifiableMap(fresh);
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(map);
        for (Map.Entry<String, String> entry : copy.entrySet()) {
            Objects.requireNonNull(entry.getKey(), what + " key");
            Objects.requireNonNull(entry.getValue(), what + " value");
        }
        return Collections.unmodifiableMap(copy);
    }

    /**
     * A map a parser of this package fills with non-null names and values and hands to exactly one
     * {@link Alert}, which then keeps it without a copy (the ingest path's hottest allocation).
     */
    static final class Fresh extends LinkedHashMap<String, String> {
    }

    /** The {@code alertname} label, or an empty string. */
    public String name() {
        return labels.getOrDefault("alertname", "");
    }

    /** The sender's notification group, when it sent one. */
    public Optional<String> groupKeyIfSent() {
        return groupKey.isEmpty() ? Optional.empty() : Optional.of(groupKey);
    }

    public Optional<Instant> startsAtIfKnown() {
        return Optional.ofNullable(startsAt);
    }

    public Optional<Instant> endsAtIfKnown() {
        return Optional.ofNullable(endsAt);
    }
}
