package dev.quench.core.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A running run whose lease lapsed: its node stopped renewing it (died, or lost the store).
 *
 * @param runId       the run
 * @param owner       the node that held it
 * @param generation  the lease generation it held
 * @param expiredAt   when the lease lapsed
 * @param currentStep the last step the run started, if it started any
 */
public record ExpiredLease(String runId, String owner, long generation, Instant expiredAt,
                           Optional<String> currentStep) {
}
