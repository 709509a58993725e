package dev.quench.core.expr;

import java.util.Objects;

/**
 * What {@code raw(x)} returns: text that a {@link RenderMode#SHELL} template inserts without
 * quoting. Only an expression that is wholly {@code raw(...)} is inserted raw; used inside a larger
 * expression ({@code raw(x) + 'y'}) it turns back into text and is quoted like any other value,
 * so the opt-out is always visible at the top of the expression.
 *
 * @param text the unquoted text
 */
public record RawText(String text) {

    public RawText {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return text;
    }
}
