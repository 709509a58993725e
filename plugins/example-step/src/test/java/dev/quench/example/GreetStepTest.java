package dev.quench.example;

import dev.quench.api.StepResult;
import dev.quench.testkit.StepTestContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example plugin run the way the engine runs it, with the test kit's step context. */
class GreetStepTest {

    private final GreetStep step = new GreetStep();

    @Test
    void greetsAsManyTimesAsAsked() {
        StepTestContext context = StepTestContext.builder().runId("run-42").build();

        StepResult result = step.execute(context, new GreetConfig("on-call", 2));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("hello, on-call (run run-42)\nhello, on-call (run run-42)\n");
        assertThat(context.output().allStdout()).isEqualTo(result.stdout());
        assertThat(result.outputs()).containsEntry("greeted", "on-call");
    }

    @Test
    void aDryRunGreetsNobody() {
        StepTestContext context = StepTestContext.builder().dryRun().build();

        assertThat(step.execute(context, new GreetConfig("on-call", null)).stdout()).isEmpty();
        assertThat(context.output().allInfo()).isEqualTo("dry run: would greet on-call");
    }

    @Test
    void badValuesAreRejectedWithAMessageForTheRunbookAuthor() {
        assertThatThrownBy(() -> new GreetConfig(" ", null)).hasMessage("name is required: who to greet");
        assertThatThrownBy(() -> new GreetConfig("x", 11)).hasMessage("times must be between 1 and 10, got 11");
    }
}
