package dev.quench.core.store;

import java.util.List;

/**
 * The outcome of recording one delivery.
 *
 * @param created ids of alerts not seen before, in order (the rest were re-deliveries)
 * @param replay  the sender's delivery id was seen before: nothing was recorded
 * @param toMatch the ids among {@code created} still to be matched by the dispatcher; the others
 *                were recorded as already processed (they matched no runbook at intake)
 */
public record RecordedDelivery(List<Long> created, boolean replay, List<Long> toMatch) {

    public RecordedDelivery {
        created = List.copyOf(created);
        toMatch = List.copyOf(toMatch);
    }

    /** Every created alert still to be matched. */
    public RecordedDelivery(List<Long> created, boolean replay) {
        this(created, replay, created);
    }
}
