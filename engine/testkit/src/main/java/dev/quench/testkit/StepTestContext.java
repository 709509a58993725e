package dev.quench.testkit;

import dev.quench.api.RecordingOutput;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A step context like the engine's, for a plugin's tests: output is recorded ({@link #output()}), the
 * cancellation can be fired by hand ({@link #cancellation()}) and fires by itself when the step's time
 * limit runs out, with the engine's reason ("timed out after 1s"). Build one with {@link #builder()}:
 *
 * <pre>{@code
 * StepTestContext context = StepTestContext.builder().resources(run).timeout(Duration.ofSeconds(1)).build();
 * StepResult result = plugin.execute(context, config);
 * assertThat(context.output().allStdout()).isEqualTo("hello\n");
 * }</pre>
 *
 * Thread-safe, like the engine's.
 */
public final class StepTestContext implements StepContext {

    private final String runId;
    private final String runbook;
    private final String stepId;
    private final boolean dryRun;
    private final Duration timeout;
    private final Instant deadline;
    private final RunResources resources;
    private final RecordingOutput output = new RecordingOutput();
    private final ManualCancellation cancellation = new ManualCancellation();

    private StepTestContext(Builder builder) {
        this.runId = builder.runId;
        this.runbook = builder.runbook;
        this.stepId = builder.stepId;
        this.dryRun = builder.dryRun;
        this.timeout = builder.timeout;
        this.deadline = Instant.now().plus(timeout);
        this.resources = builder.resources == null ? new TestRunResources() : builder.resources;
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> cancellation.cancel("timed out after " + describe(timeout)));
    }

    /** A context with the defaults: run {@code run-1}, step {@code step}, 30 s, fresh run resources. */
    public static StepTestContext create() {
        return builder().build();
    }

    /** A context for a step of the run that owns {@code resources}, with the other defaults. */
    public static StepTestContext of(RunResources resources) {
        return builder().resources(resources).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public String runbook() {
        return runbook;
    }

    @Override
    public String stepId() {
        return stepId;
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public RecordingOutput output() {
        return output;
    }

    @Override
    public ManualCancellation cancellation() {
        return cancellation;
    }

    @Override
    public RunResources resources() {
        return resources;
    }

    /** How the engine writes a step timeout in its reason: {@code 1s}, {@code 800ms}. */
    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** Builds a {@link StepTestContext}; the clock for the timeout starts at {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String runId = "run-1";
        private String runbook = "test-runbook";
        private String stepId = "step";
        private boolean dryRun;
        private Duration timeout = Duration.ofSeconds(30);
        private RunResources resources;

        private Builder() {
        }

        public Builder runId(String value) {
            this.runId = Objects.requireNonNull(value, "runId");
            return this;
        }

        public Builder runbook(String value) {
            this.runbook = Objects.requireNonNull(value, "runbook");
            return this;
        }

        public Builder stepId(String value) {
            this.stepId = Objects.requireNonNull(value, "stepId");
            return this;
        }

        /** Plan only: the step must not change anything. */
        public Builder dryRun() {
            this.dryRun = true;
            return this;
        }

        /** The step's time limit; the cancellation fires when it runs out. Default 30 s. */
        public Builder timeout(Duration value) {
            Objects.requireNonNull(value, "timeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + value);
            }
            this.timeout = value;
            return this;
        }

        /** The run's shared resources (close them to end the run). Default: fresh {@link TestRunResources}. */
        public Builder resources(RunResources value) {
            this.resources = Objects.requireNonNull(value, "resources");
            return this;
        }

        public StepTestContext build() {
            return new StepTestContext(this);
        }
    }
}
