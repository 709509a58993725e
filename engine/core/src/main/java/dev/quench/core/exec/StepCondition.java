package dev.quench.core.exec;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.runbook.Condition;
import dev.quench.core.runbook.StepSpec;
import java.util.Map;
import java.util.Optional;

/** Decides whether a step with a {@code when:} runs. Stateless. */
final class StepCondition {

    private StepCondition() {
    }

    /**
     * Empty when the step should run; otherwise its result without running: skipped when the
     * condition is false, failed when the condition itself fails (a broken condition must not
     * silently skip a remediation, nor silently run it).
     */
    static Optional<StepResult> check(StepSpec step, ExpressionScope scope) {
        Condition when = step.when().orElseThrow();
        try {
            if (when.test(scope)) {
                return Optional.empty();
            }
            return Optional.of(new StepResult(StepStatus.SKIPPED, null, "", "", Map.of(),
                    "skipped: when ${{ " + when.source() + " }} was false"));
        } catch (ExpressionException e) {
            return Optional.of(StepResult.failed("when ${{ " + when.source() + " }} could not be decided: "
                    + e.reason() + "; the step was not run"));
        }
    }
}
