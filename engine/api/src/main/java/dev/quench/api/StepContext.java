package dev.quench.api;

import java.time.Duration;
import java.time.Instant;

/**
 * What the engine gives a step while it runs. Not shared between steps; safe to use from the
 * thread that executes the step and from threads it starts.
 */
public interface StepContext {

    /** The run this step belongs to. */
    String runId();

    /** The runbook being run. */
    String runbook();

    /** The step's {@code id:} in the runbook. */
    String stepId();

    /** True when the engine only plans: the step must not change anything. */
    boolean dryRun();

    /** The step's time limit. */
    Duration timeout();

    /** When the step's time limit runs out. */
    Instant deadline();

    /** Streams output as it arrives; the engine caps and records it. */
    StepOutput output();

    /** Fires when the step times out or the run is cancelled. */
    Cancellation cancellation();

    /** Resources shared by the steps of one run (an SSH connection per host), closed when the run ends. */
    RunResources resources();
}
