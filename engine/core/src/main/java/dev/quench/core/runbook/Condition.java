package dev.quench.core.runbook;

import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.Template;
import java.util.Locale;
import java.util.Objects;

/**
 * A yes/no question a runbook asks at run time ({@code when:}, {@code retry.retryOn}): one
 * compiled {@code ${{ }}} expression, or a constant. Immutable and thread-safe.
 *
 * @param source   the condition as written, for messages and plans
 * @param template the compiled expression, or null for a constant
 * @param constant the value of a constant condition (ignored when {@code template} is set)
 */
public record Condition(String source, Template template, boolean constant) {

    public Condition {
        Objects.requireNonNull(source, "source");
    }

    /** A condition that is always {@code value}. */
    public static Condition always(boolean value) {
        return new Condition(Boolean.toString(value), null, value);
    }

    /**
     * Evaluates the condition.
     *
     * @throws ExpressionException when the expression fails or gives something other than true/false
     */
    public boolean test(ExpressionScope scope) {
        if (template == null) {
            return constant;
        }
        Object value = template.render(scope, RenderMode.PLAIN);
        if (value instanceof Boolean bool) {
            return bool;
        }
        if (value instanceof String text && (text.strip().equalsIgnoreCase("true") || text.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(text.strip().toLowerCase(Locale.ROOT));
        }
        throw new ExpressionException(source, "gave " + (value == null ? "null" : "'" + value + "'")
                + ", but a condition must give true or false (compare it, like == 0 or != '')", null);
    }
}
