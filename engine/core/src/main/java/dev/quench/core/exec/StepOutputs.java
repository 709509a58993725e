package dev.quench.core.exec;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.expr.ExpressionException;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.Template;
import dev.quench.core.runbook.StepSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes a step's declared {@code outputs:} from its own result, after it succeeded. The
 * values join what the plugin itself returned (a declared name wins). Stateless.
 */
final class StepOutputs {

    private StepOutputs() {
    }

    /**
     * The result with the outputs added, or a failed result naming the output whose expression failed.
     *
     * @param scope the scope before the step, to which the step's own result is added
     */
    static StepResult add(StepSpec step, StepResult result, ExpressionScope scope) {
        if (step.outputs().isEmpty() || !result.succeeded()) {
            return result;
        }
        ExpressionScope own = scope.withStep(step.id(), result);
        Map<String, Object> outputs = new LinkedHashMap<>(result.outputs());
        for (Map.Entry<String, Template> output : step.outputs().entrySet()) {
            try {
                Object value = output.getValue().render(own, RenderMode.PLAIN);
                if (value == null) {
                    // Map.copyOf refuses nulls, and a missing output reads as null anyway.
                    outputs.remove(output.getKey());
                } else {
                    outputs.put(output.getKey(), value);
                }
            } catch (ExpressionException e) {
                return new StepResult(StepStatus.FAILED, result.exitCode(), result.stdout(), result.stderr(),
                        result.outputs(), "output '" + output.getKey() + "' could not be computed: " + e.getMessage());
            }
        }
        return result.withOutputs(outputs);
    }
}
