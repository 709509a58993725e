package dev.quench.core.exec;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepOutput;
import java.time.Duration;
import java.time.Instant;

/** The engine's {@link StepContext}: one per step execution. */
record EngineStepContext(String runId, String runbook, String stepId, boolean dryRun, Duration timeout,
                         Instant deadline, StepOutput output, Cancellation cancellation,
                         RunResources resources) implements StepContext {
}
