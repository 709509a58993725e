package dev.quench.core.store;

import java.util.List;

/**
 * The outcome of recording one delivery.
 *
 * @param created ids of alerts not seen before, in order (the rest were re-deliveries)
 * @param replay  the sender's delivery id was seen before: nothing was recorded
 */
public record RecordedDelivery(List<Long> created, boolean replay) {

    public RecordedDelivery {
        created = List.copyOf(created);
    }
}
