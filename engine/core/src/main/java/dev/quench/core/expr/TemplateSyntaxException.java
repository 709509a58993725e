package dev.quench.core.expr;

import java.util.Objects;

/**
 * A template that cannot be compiled: bad {@code ${{ }}} syntax, an expression JEXL rejects, or a
 * reference to a variable, step, param or function that does not exist. {@link #offset()} is the
 * 0-based position inside the template text, so the loader can point at the exact column.
 */
public final class TemplateSyntaxException extends RuntimeException {

    /** What kind of problem it is, for callers that add advice of their own (never read the message for it). */
    public enum Kind {
        /** Bad syntax, or a reference to something that does not exist other than a step. */
        GENERAL,
        /** A reference to a step the runbook does not have before this point ({@code unknown step}). */
        UNKNOWN_STEP
    }

    private final int offset;
    private final Kind kind;

    public TemplateSyntaxException(String message, int offset) {
        this(message, offset, null);
    }

    public TemplateSyntaxException(String message, int offset, Throwable cause) {
        this(Kind.GENERAL, message, offset, cause);
    }

    public TemplateSyntaxException(Kind kind, String message, int offset, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.offset = Math.max(0, offset);
    }

    public Kind kind() {
        return kind;
    }

    /** 0-based offset of the problem inside the template text. */
    public int offset() {
        return offset;
    }
}
