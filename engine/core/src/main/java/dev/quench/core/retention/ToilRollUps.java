package dev.quench.core.retention;

import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.store.RetentionRepository;
import dev.quench.core.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The roll-ups that keep the toil ledger's totals when runs and alerts are pruned: week by week, each in
 * one transaction that also moves the watermark, so a week is rolled up once even if a node stops midway
 * and another takes over. Whole weeks only: detail of the week the cutoff falls in is kept until the next
 * week. Thread-safe (stateless over the store).
 */
final class ToilRollUps {

    private static final Duration WEEK = Duration.ofDays(7);

    private final Store store;

    ToilRollUps(Store store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Rolls up the runs of every whole week before {@code cutoff}; returns before when runs may be deleted. */
    Instant runs(Instant cutoff, BooleanSupplier stillHeld) {
        RetentionRepository retention = store.retention();
        Instant until = ToilLedger.weekStart(cutoff);
        Instant week = retention.rolledUpBefore(RetentionRepository.RUNS)
                .or(() -> retention.oldestRunFinished().map(ToilLedger::weekStart))
                .orElse(until);
        while (week.isBefore(until) && stillHeld.getAsBoolean()) {
            Instant next = week.plus(WEEK);
            retention.rollUpRunWeek(week, next);
            week = next;
        }
        return retention.rolledUpBefore(RetentionRepository.RUNS).orElse(Instant.EPOCH);
    }

    /**
     * Rolls up the manual alerts of every whole week before {@code cutoff}, counted in one read of the store (the
     * bulk rows are read once, not once per week); returns before when alerts may be deleted.
     */
    Instant alerts(Instant cutoff, BooleanSupplier stillHeld) {
        RetentionRepository retention = store.retention();
        Instant until = ToilLedger.weekStart(cutoff);
        Instant first = retention.rolledUpBefore(RetentionRepository.ALERTS)
                .or(() -> retention.oldestAlertReceived().map(ToilLedger::weekStart))
                .orElse(until);
        if (first.isBefore(until) && stillHeld.getAsBoolean()) {
            List<Instant> weeks = new ArrayList<>();
            for (Instant week = first; !week.isAfter(until); week = week.plus(WEEK)) {
                weeks.add(week);
            }
            List<Map<String, Integer>> byWeek = store.alerts().unmatchedFiringByPeriod(weeks);
            for (int index = 0; index < byWeek.size() && stillHeld.getAsBoolean(); index++) {
                retention.rollUpManualWeek(weeks.get(index), weeks.get(index + 1), byWeek.get(index));
            }
        }
        return retention.rolledUpBefore(RetentionRepository.ALERTS).orElse(Instant.EPOCH);
    }
}
