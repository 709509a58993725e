package dev.quench.core.runbook;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A runbook's {@code approval:}: whether a person must approve each run before it starts, and how
 * long Quench waits for that before rejecting the run. Immutable and thread-safe.
 *
 * @param required whether runs wait in {@code awaiting_approval}
 * @param timeout  after this long without a decision the run is rejected; empty: it waits until
 *                 approved, rejected or cancelled
 */
public record ApprovalPolicy(boolean required, Optional<Duration> timeout) {

    /** No approval: runs start at once. */
    public static final ApprovalPolicy NONE = new ApprovalPolicy(false, Optional.empty());

    public ApprovalPolicy {
        Objects.requireNonNull(timeout, "timeout");
    }
}
