package dev.quench.core.guard;

import java.util.Objects;

/** What {@link RunAdmission} decided for a new run. */
public sealed interface Admission {

    /** The run may start now (it stays queued for the dispatcher). */
    record Start() implements Admission {
    }

    /**
     * A guard refused the run, or the queue was full ({@code queueFull}); it is recorded as refused
     * with {@code reason}.
     */
    record Refused(String reason, boolean queueFull) implements Admission {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        /** Refused by a guard. */
        public Refused(String reason) {
            this(reason, false);
        }
    }

    /** The runbook needs approval; the run is recorded as awaiting_approval and does not start. */
    record AwaitingApproval() implements Admission {
    }

    /** Whether the run should be handed to the executor now. */
    default boolean starts() {
        return this instanceof Start;
    }
}
