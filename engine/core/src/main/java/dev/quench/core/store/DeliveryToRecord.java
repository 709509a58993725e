package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One webhook delivery waiting to be recorded in a group commit.
 *
 * @param source     the source it came from ({@code alertmanager}, a generic source name …)
 * @param deliveryId the sender's delivery id, or null when it sends none
 * @param alerts     its alerts, in order
 * @param receivedAt when Quench received it
 */
public record DeliveryToRecord(String source, String deliveryId, List<Alert> alerts, Instant receivedAt) {

    public DeliveryToRecord {
        Objects.requireNonNull(source, "source");
        alerts = List.copyOf(alerts);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
