package dev.quench.example;

import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;

import java.util.Map;

/**
 * The {@code example.greet} step: prints a greeting. The smallest complete step plugin — one class, one
 * configuration record, a {@code META-INF/services/dev.quench.api.StepPlugin} file — written against
 * {@code engine/api} only. Thread-safe: it keeps no state.
 */
public final class GreetStep implements StepPlugin<GreetConfig> {

    @Override
    public String type() {
        return "example.greet";
    }

    @Override
    public Class<GreetConfig> configType() {
        return GreetConfig.class;
    }

    @Override
    public StepResult execute(StepContext context, GreetConfig config) {
        if (context.dryRun()) {
            context.output().info("dry run: would greet " + config.name());
            return StepResult.succeeded("");
        }
        StringBuilder greeting = new StringBuilder();
        for (int line = 0; line < config.timesOrOnce(); line++) {
            if (context.cancellation().isCancelled()) {
                return StepResult.failed("stopped greeting: " + context.cancellation().reason());
            }
            String text = "hello, " + config.name() + " (run " + context.runId() + ")\n";
            context.output().stdout(text);
            greeting.append(text);
        }
        return StepResult.succeeded(greeting.toString()).withOutputs(Map.of("greeted", config.name()));
    }
}
