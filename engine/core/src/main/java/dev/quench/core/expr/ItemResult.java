package dev.quench.core.expr;

import dev.quench.api.StepResult;
import java.util.Objects;

/**
 * The result of one iteration of a {@code forEach} step, read later as
 * {@code steps.<id>.items[index]} (its {@code item}, {@code index} and the usual result fields).
 *
 * @param item   the item the iteration ran for
 * @param index  its position in the list, from 0
 * @param result what the iteration gave
 */
public record ItemResult(Object item, int index, StepResult result) {

    public ItemResult {
        Objects.requireNonNull(result, "result");
    }
}
