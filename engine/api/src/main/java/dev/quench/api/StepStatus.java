package dev.quench.api;

/** How a step ended. */
public enum StepStatus {
    SUCCEEDED,
    FAILED,
    /** Not run because its {@code when:} condition was false; set by the engine, never by a plugin. */
    SKIPPED
}
