package dev.quench.core.console;

import dev.quench.core.store.RunRecord;
import java.util.Objects;

/**
 * A run just approved or rejected, shown on top of the approvals inbox with its status live.
 *
 * @param run    the run as recorded now
 * @param action {@code approve} or {@code reject} (its last decision)
 * @param actor  who decided
 * @param reason why, may be empty
 */
public record DecidedRun(RunRecord run, String action, String actor, String reason) {

    public DecidedRun {
        Objects.requireNonNull(run, "run");
    }

    /** {@code Approved}, {@code Rejected}, ... for the notice. */
    public String verb() {
        return switch (action) {
            case "approve" -> "Approved";
            case "reject" -> "Rejected";
            case "cancel" -> "Cancelled";
            default -> "Decided";
        };
    }
}
