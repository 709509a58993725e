package dev.quench.core.events;

import java.util.Locale;

/** What a {@link RunEvent} says; its wire name is the server-sent event's {@code event:} field. */
public enum RunEventType {
    /** The run's status changed: {@code {status}}. */
    STATUS,
    /** A step started: {@code {seq, step, uses}}. */
    STEP_STARTED,
    /** A step finished: {@code {seq, step, uses, status, exitCode, message}}. */
    STEP_FINISHED,
    /** A line of a step's standard output: {@code {step, line}}. */
    STDOUT,
    /** A line of a step's standard error: {@code {step, line}}. */
    STDERR,
    /** A line from the step plugin itself: {@code {step, line}}. */
    INFO,
    /** Events were left out: {@code {count, reason}} (a run writing too fast, a reader too slow, a gap in the replay). */
    DROPPED,
    /** The run ended: {@code {status, message}}; the last event of a run. */
    END;

    /** {@code step-started}, {@code stdout}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
