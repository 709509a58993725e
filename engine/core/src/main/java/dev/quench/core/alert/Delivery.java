package dev.quench.core.alert;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one webhook request delivered, whatever the sender. Immutable.
 *
 * @param alerts          the alerts, possibly none
 * @param deliveryId      the sender's id of this delivery, when it sends one (PagerDuty's
 *                        {@code X-Webhook-Id}): a second delivery with the same id is a replay
 * @param truncatedAlerts alerts the sender left out (Alertmanager's {@code max_alerts})
 * @param note            why a delivery with no alerts carried none (a ping, an event type Quench
 *                        does not act on), or empty
 */
public record Delivery(List<Alert> alerts, String deliveryId, int truncatedAlerts, String note) {

    public Delivery {
        alerts = List.copyOf(Objects.requireNonNull(alerts, "alerts"));
        note = note == null ? "" : note;
    }

    public static Delivery of(List<Alert> alerts) {
        return new Delivery(alerts, null, 0, "");
    }

    public Optional<String> deliveryIdIfSent() {
        return Optional.ofNullable(deliveryId);
    }
}
