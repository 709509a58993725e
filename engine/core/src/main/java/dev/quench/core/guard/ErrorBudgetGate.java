package dev.quench.core.guard;

import dev.quench.core.alert.Alert;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.runbook.ErrorBudgetSpec;
import java.util.Map;

/**
 * Decides what {@code guards.errorBudget} says about one run: read the query, compare it with the threshold.
 * Fails closed: a query that cannot be rendered or read holds the run back like a crossed threshold, because
 * automation that cannot see the budget must not act as if it were fine. Thread-safe (stateless).
 */
final class ErrorBudgetGate {

    /** Longer queries are cut in messages: a reason is for reading. */
    private static final int MAX_QUERY_IN_MESSAGE = 300;

    /**
     * The gate's verdict.
     *
     * @param hold     whether the run is held back (then: requireApproval waits, skip refuses)
     * @param measured what was measured, for the run's message and its guard decision, like
     *                 {@code 16.2 > 14.4 (slo:burn_rate1h{service="web"})}
     * @param unread   whether the budget could not be read (a hold for that reason, not for the value)
     */
    record Verdict(boolean hold, String measured, boolean unread) {
    }

    private ErrorBudgetGate() {
    }

    static Verdict decide(ErrorBudgetSpec spec, BudgetReader reader, String runbook, Alert alert,
                          Map<String, Object> params) {
        String query;
        try {
            ExpressionScope scope = ExpressionScope.of(alert, params, Map.of(), Map.of("runbook", runbook), Map.of());
            query = String.valueOf(spec.query().render(scope, RenderMode.PROMQL));
        } catch (ExpressionException e) {
            return new Verdict(true, "the error budget could not be read: its query did not render: "
                    + e.getMessage(), true);
        }
        String shown = query.length() > MAX_QUERY_IN_MESSAGE ? query.substring(0, MAX_QUERY_IN_MESSAGE) + "…" : query;
        return switch (reader.read(query, spec.above())) {
            case BudgetReading.Unreadable unreadable -> new Verdict(true, "the error budget could not be read ("
                    + unreadable.why() + "; query: " + shown + ")", true);
            case BudgetReading.Value value -> spec.crossed(value.value())
                    ? new Verdict(true, ErrorBudgetSpec.number(value.value()) + (spec.above() ? " > " : " < ")
                    + ErrorBudgetSpec.number(spec.threshold()) + " (" + shown + ")", false)
                    : new Verdict(false, ErrorBudgetSpec.number(value.value()) + ", not " + spec.condition()
                    + " (" + shown + ")", false);
        };
    }
}
