package dev.quench.core.retention;

import dev.quench.core.store.DeleteBatch;
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

    /**
     * One bounded delete, walking an indexed time in order: looks at up to {@code limit} rows from {@code from}
     * up to {@code before} and deletes those it may, in one short transaction; the next batch starts at the
     * returned {@link DeleteBatch#lastKey()}.
     */
    @FunctionalInterface
    public interface BatchDelete {
        DeleteBatch delete(Instant from, Instant before, int limit);
    }
}
