package dev.quench.core.expr;

import java.util.Objects;

/**
 * A template that cannot be compiled: bad {@code ${{ }}} syntax, an expression JEXL rejects, or a
 * reference to a variable, step, param or function that does not exist. {@link #offset()} is the
 * 0-based position inside the template text, so the loader can point at the exact column.
 */
public final class TemplateSyntaxException extends RuntimeException {

    private final int offset;

    public TemplateSyntaxException(String message, int offset) {
        this(message, offset, null);
    }

    public TemplateSyntaxException(String message, int offset, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.offset = Math.max(0, offset);
    }

    /** 0-based offset of the problem inside the template text. */
    public int offset() {
        return offset;
    }
}
