package dev.quench.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One batch of a retention delete that walks an indexed time column in order: how many rows it deleted, how many it
 * looked at (some are kept: an alert a run still refers to), and the time of the last one, where the next batch
 * starts. Starting there, rather than at the oldest row again, keeps kept rows (and, on PostgreSQL, the index
 * entries of rows deleted but not yet vacuumed) from being read by every batch.
 *
 * @param deleted rows deleted (for bulk alert rows: the alerts they held)
 * @param visited rows looked at; zero when nothing is left before the bound
 * @param lastKey the walked time of the last row looked at (the epoch when none was)
 */
public record DeleteBatch(int deleted, int visited, Instant lastKey) {

    /** Nothing left to look at. */
    public static final DeleteBatch NONE = new DeleteBatch(0, 0, Instant.EPOCH);

    public DeleteBatch {
        Objects.requireNonNull(lastKey, "lastKey");
    }
}
