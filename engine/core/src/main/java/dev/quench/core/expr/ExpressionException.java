package dev.quench.core.expr;

import java.util.Objects;
import java.util.Optional;

/**
 * An expression that failed while a run was rendering it: which step, which {@code with} field,
 * which expression, and why. The cause is kept.
 */
public final class ExpressionException extends RuntimeException {

    private final String stepId;
    private final String field;
    private final String expression;
    private final String reason;

    public ExpressionException(String expression, String reason, Throwable cause) {
        this(null, null, expression, reason, cause);
    }

    private ExpressionException(String stepId, String field, String expression, String reason, Throwable cause) {
        super(message(stepId, field, expression, reason), cause);
        this.stepId = stepId;
        this.field = field;
        this.expression = Objects.requireNonNull(expression, "expression");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** This failure, told as happening in {@code field} of step {@code stepId}. */
    public ExpressionException inStep(String stepId, String field) {
        return new ExpressionException(stepId, field, expression, reason, getCause());
    }

    public Optional<String> stepId() {
        return Optional.ofNullable(stepId);
    }

    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The expression as written, without {@code ${{ }}}. */
    public String expression() {
        return expression;
    }

    /** Why it failed. */
    public String reason() {
        return reason;
    }

    private static String message(String stepId, String field, String expression, String reason) {
        String where = stepId == null ? "" : "step '" + stepId + "', field '" + field + "': ";
        return where + "${{ " + expression + " }} failed: " + reason;
    }
}
