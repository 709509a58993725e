package dev.quench.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancellation of whole runs while they execute: cancelling a run signals its current step (the
 * step's own {@link StepCancellation}, which kills the process or closes the channel) and keeps
 * any later step from starting; the run then ends as cancelled. Thread-safe.
 */
final class RunCancellations {

    private final Map<String, RunSignal> running = new ConcurrentHashMap<>();

    /** The cancellation state of one executing run. */
    private static final class RunSignal {
        private String reason;
        // Several at once: the items of a forEach step with concurrency run side by side. Signalling
        // a step that already ended does nothing, so ended ones need not be removed.
        private final List<StepCancellation> current = new ArrayList<>();

        synchronized Optional<String> attach(StepCancellation step) {
            if (reason != null) {
                return Optional.of(reason);
            }
            current.add(step);
            return Optional.empty();
        }

        void cancel(String why) {
            List<StepCancellation> steps;
            synchronized (this) {
                if (reason != null) {
                    return;
                }
                reason = why;
                steps = List.copyOf(current);
            }
            steps.forEach(step -> step.cancel(why));
        }

        synchronized Optional<String> reason() {
            return Optional.ofNullable(reason);
        }
    }

    void start(String runId) {
        running.put(runId, new RunSignal());
    }

    /** Forgets the run; returns why it was cancelled, if it was. */
    Optional<String> end(String runId) {
        RunSignal signal = running.remove(runId);
        return signal == null ? Optional.empty() : signal.reason();
    }

    /** Adds {@code step} to those a cancel signals; returns the reason instead if the run is already cancelled. */
    Optional<String> attach(String runId, StepCancellation step) {
        RunSignal signal = running.get(runId);
        return signal == null ? Optional.empty() : signal.attach(step);
    }

    /** The ids of the runs executing here now. */
    List<String> ids() {
        return List.copyOf(running.keySet());
    }

    /** Cancels every run executing here; returns their ids. */
    List<String> cancelAll(String why) {
        List<String> ids = new ArrayList<>();
        running.forEach((runId, signal) -> {
            signal.cancel(why);
            ids.add(runId);
        });
        return ids;
    }

    /** Cancels a run executing here; false if it is not executing here. */
    boolean cancel(String runId, String why) {
        RunSignal signal = running.get(runId);
        if (signal == null) {
            return false;
        }
        signal.cancel(why);
        return true;
    }
}
