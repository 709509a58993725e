package dev.quench.plugin.http;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** A step context for tests: records output, can be cancelled, has no run resources. */
final class TestStepContext implements StepContext {

    private final Duration timeout;
    private final Instant deadline;
    private final boolean dryRun;
    private final RecordingOutput output = new RecordingOutput();
    private final TestCancellation cancellation = new TestCancellation();

    TestStepContext(Duration timeout, boolean dryRun) {
        this.timeout = timeout;
        this.deadline = Instant.now().plus(timeout);
        this.dryRun = dryRun;
    }

    static TestStepContext withTimeout(Duration timeout) {
        return new TestStepContext(timeout, false);
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public String runbook() {
        return "test-runbook";
    }

    @Override
    public String stepId() {
        return "call";
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
    public TestCancellation cancellation() {
        return cancellation;
    }

    @Override
    public RunResources resources() {
        return new RunResources() {
            @Override
            public <T extends AutoCloseable> T computeIfAbsent(String key, Class<T> type, Callable<T> factory) {
                throw new UnsupportedOperationException("http.request should not need run resources");
            }
        };
    }

    /** Output kept in memory so that tests can assert what a user would read. */
    static final class RecordingOutput implements StepOutput {
        final List<String> stdout = new ArrayList<>();
        final List<String> info = new ArrayList<>();

        @Override
        public synchronized void stdout(String chunk) {
            stdout.add(chunk);
        }

        @Override
        public synchronized void stderr(String chunk) {
        }

        @Override
        public synchronized void info(String message) {
            info.add(message);
        }

        synchronized String allInfo() {
            return String.join("\n", info);
        }
    }

    /** A cancellation a test fires by hand. */
    static final class TestCancellation implements Cancellation {
        private final List<Runnable> actions = new ArrayList<>();
        private volatile String reason = "";

        @Override
        public boolean isCancelled() {
            return !reason.isEmpty();
        }

        @Override
        public String reason() {
            return reason;
        }

        @Override
        public synchronized void onCancel(Runnable action) {
            if (isCancelled()) {
                action.run();
            } else {
                actions.add(action);
            }
        }

        synchronized void cancel(String why) {
            reason = why;
            actions.forEach(Runnable::run);
        }
    }
}
