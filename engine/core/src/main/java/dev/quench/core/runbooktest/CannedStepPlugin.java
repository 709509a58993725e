package dev.quench.core.runbooktest;

import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Stands in for a real step plugin in runbook tests: same type and configuration record (so the
 * inputs are rendered and checked exactly as in production), but the result is the test's canned
 * one for the step, or success with no output. Nothing is ever contacted or run.
 */
final class CannedStepPlugin<C extends Record> implements StepPlugin<C> {

    private final String type;
    private final Class<C> configType;
    private final Supplier<Map<String, StepResult>> canned;

    CannedStepPlugin(String type, Class<C> configType, Supplier<Map<String, StepResult>> canned) {
        this.type = Objects.requireNonNull(type, "type");
        this.configType = Objects.requireNonNull(configType, "configType");
        this.canned = Objects.requireNonNull(canned, "canned");
    }

    /** A stand-in for {@code real}. */
    static <C extends Record> CannedStepPlugin<C> standInFor(StepPlugin<C> real, Supplier<Map<String, StepResult>> canned) {
        return new CannedStepPlugin<>(real.type(), real.configType(), canned);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Class<C> configType() {
        return configType;
    }

    @Override
    public StepResult execute(StepContext context, C config) {
        Map<String, StepResult> results = canned.get();
        StepResult result = results.get(context.stepId());
        if (result == null) {
            // An iteration of a forEach step (clean[2]) takes its own canned result, else the step's.
            result = results.get(RunbookTestRunner.stepIdOf(context.stepId()));
        }
        return result != null ? result : StepResult.ofExitCode(0, "", "");
    }
}
