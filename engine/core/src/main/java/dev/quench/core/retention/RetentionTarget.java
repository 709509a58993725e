package dev.quench.core.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One kind of detail retention prunes: how long it is kept, what must be kept of it first (a roll-up),
 * and the bounded deletes that remove it. Adding a kind (the audit log) is one more entry in
 * {@link RetentionTargets#of}.
 *
 * @param name    the {@code retention:} key ({@code alerts}, {@code runs}, {@code audit})
 * @param keep    how long its detail is kept
 * @param rollUp  keeps what must outlive the detail; answers before when detail may now be deleted
 * @param deletes each deletes one batch of rows older than a bound, returning how many
 */
public record RetentionTarget(String name, Duration keep, RollUp rollUp, List<BatchDelete> deletes) {

    public RetentionTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(rollUp, "rollUp");
        deletes = List.copyOf(deletes);
    }

    /** Keeps what must outlive the detail older than {@code cutoff}. */
    @FunctionalInterface
    public interface RollUp {
        /** Nothing to keep: detail before the cutoff may go. */
        RollUp NONE = (cutoff, stillHeld) -> cutoff;

        /**
         * Rolls up (in short transactions, checking {@code stillHeld} between them) and returns the instant
         * before which the detail may be deleted, never after {@code cutoff}.
         */
        Instant rollUpBefore(Instant cutoff, BooleanSupplier stillHeld);
    }

    /** One bounded delete: at most {@code limit} rows older than {@code before}, in one short transaction. */
    @FunctionalInterface
    public interface BatchDelete {
        int delete(Instant before, int limit);
    }
}
