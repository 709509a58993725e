package dev.quench.example;

import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;

/**
 * The {@code with:} block of an {@code example.greet} step. The engine maps the runbook's YAML onto this
 * record and rejects unknown fields; the compact constructor rejects bad values with a message for the
 * runbook author, shown with the file, line and column.
 *
 * @param name  who to greet; required
 * @param times how many lines to print, 1 to 10; null means 1
 */
@StepDoc(summary = "Prints a greeting: the smallest complete step plugin, for plugin authors to copy.",
        example = """
                - id: hello
                  uses: example.greet
                  with: {name: world, times: 2}
                """)
public record GreetConfig(@Required(example = "name: world") @StepField(description = "who to greet") String name,
                          @StepField(description = "how many lines to print, 1 to 10", defaultValue = "1")
                          Integer times) {

    public GreetConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required: who to greet");
        }
        if (times != null && (times < 1 || times > 10)) {
            throw new IllegalArgumentException("times must be between 1 and 10, got " + times);
        }
    }

    int timesOrOnce() {
        return times == null ? 1 : times;
    }
}
