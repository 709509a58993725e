package dev.quench.core.store;

import dev.quench.core.alert.Alert;
import java.time.Instant;
import java.util.Objects;

/**
 * An alert as recorded in the store.
 *
 * @param id              the store's id
 * @param alert           the alert
 * @param receivedAt      when Quench received it
 * @param processed       whether it was matched against runbooks
 * @param matchedRunbooks how many runbooks it matched (0: a manual-toil candidate)
 */
public record StoredAlert(long id, Alert alert, Instant receivedAt, boolean processed, int matchedRunbooks) {

    public StoredAlert {
        Objects.requireNonNull(alert, "alert");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
