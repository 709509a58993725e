package dev.quench.api;

/** How a step ended. */
public enum StepStatus {
    SUCCEEDED,
    FAILED
}
