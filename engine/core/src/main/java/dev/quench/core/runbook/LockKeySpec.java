package dev.quench.core.runbook;

import dev.quench.core.expr.Template;
import java.util.Objects;

/**
 * A runbook's {@code guards.lockKey}: one run at a time per key, across every engine on the store.
 * Immutable and thread-safe.
 */
public sealed interface LockKeySpec {

    /**
     * Not written: the target host of the runbook's first step when it is an {@code ssh.exec} step (its
     * {@code host}) or an {@code http.request} step (the host of its {@code url}), rendered with the run's
     * alert and params; no lock when the first step is of another type or its host cannot be rendered yet.
     */
    record TargetHost() implements LockKeySpec {
    }

    /** {@code lockKey: none}: runs of this runbook never wait for each other. */
    record None() implements LockKeySpec {
    }

    /** {@code lockKey: ${{ ... }}}: the rendered text is the key; an empty one locks nothing. */
    record Expression(Template template) implements LockKeySpec {
        public Expression {
            Objects.requireNonNull(template, "template");
        }
    }

    /** The default when {@code lockKey} is not written. */
    LockKeySpec DEFAULT = new TargetHost();
}
