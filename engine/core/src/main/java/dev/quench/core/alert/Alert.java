package dev.quench.core.alert;

import java.time.Instant;
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
 */
public record Alert(String source, String fingerprint, AlertStatus status, Map<String, String> labels,
                    Map<String, String> annotations, Instant startsAt, Instant endsAt, String generatorUrl) {

    public Alert {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        generatorUrl = generatorUrl == null ? "" : generatorUrl;
    }

    /** The {@code alertname} label, or an empty string. */
    public String name() {
        return labels.getOrDefault("alertname", "");
    }

    public Optional<Instant> startsAtIfKnown() {
        return Optional.ofNullable(startsAt);
    }

    public Optional<Instant> endsAtIfKnown() {
        return Optional.ofNullable(endsAt);
    }
}
