package dev.quench.core.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event of a run. {@code id} increases by one with each event of the run (the {@code id:} of a
 * run's stream, for {@code Last-Event-ID}); {@code engineId} increases with each event of this engine
 * (the {@code id:} of the stream of all runs). An event made up for one reader (a gap it missed) has
 * neither: both are 0. Immutable; {@code data} holds only strings, numbers and nulls.
 */
public record RunEvent(long id, long engineId, String runId, String runbook, RunEventType type, Instant at,
                       Map<String, Object> data) {

    public RunEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runbook, "runbook");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }

    /** Whether this event was made up for one reader rather than published by the run. */
    public boolean local() {
        return id == 0;
    }
}
