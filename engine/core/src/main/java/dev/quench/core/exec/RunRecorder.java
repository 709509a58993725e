package dev.quench.core.exec;

import dev.quench.core.events.RunEventBus;
import dev.quench.core.events.RunEventType;
import dev.quench.core.store.LeaseLostException;
import dev.quench.core.store.RunRepository;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Records a run's steps and its end in the store, and publishes each as a live event once it is recorded.
 * A step's end is not written on its own: it goes in the transaction of the run's next write, the next step's
 * start or the run's end (one transaction between two steps instead of two, and the last step's end with the
 * run's). A crash in between leaves the step recorded as started, and the run is recorded interrupted in it,
 * as when the crash comes during the step. Thread-safe: forEach iterations record from threads of their own.
 */
final class RunRecorder {

    private final RunRepository runs;
    private final RunEventBus events;

    RunRecorder(RunRepository runs, RunEventBus events) {
        this.runs = Objects.requireNonNull(runs, "runs");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Records a step's start (already masked), with the ends of the steps before it, and publishes them.
     *
     * @throws LeaseLostException when the run is no longer this node's (nothing was written: the step must not run)
     */
    void stepStarted(RunState state, StepRecord step) {
        List<StepRecord> ended = state.takeEndedSteps();
        try {
            runs.startStep(state.lease(), ended, step);
        } catch (LeaseLostException e) {
            throw e; // the run is another node's now: its steps' ends are not ours to write
        } catch (RuntimeException e) {
            state.returnEndedSteps(ended);
            throw e;
        }
        ended.forEach(end -> publishEnd(state, end));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", step.seq());
        data.put("step", step.stepId());
        data.put("uses", step.uses());
        data.put("phase", step.phase());
        events.publish(state.run().id(), state.runbookName(), RunEventType.STEP_STARTED, data);
    }

    /** Keeps a step's end (already masked) for the run's next write. */
    void stepEnded(RunState state, StepRecord step) {
        state.stepEnded(step);
    }

    /**
     * Records the run's end, with the ends of its last steps, and publishes those.
     *
     * @return the minutes recorded as saved (see {@link RunRepository#finish})
     * @throws LeaseLostException when the run is no longer this node's (nothing was written)
     */
    int runEnded(RunState state, RunStatus status, String message, int toilSavedMinutes, Instant finishedAt) {
        List<StepRecord> ended = state.takeEndedSteps();
        int saved = runs.finish(state.lease(), ended, status, message, toilSavedMinutes, finishedAt);
        ended.forEach(end -> publishEnd(state, end));
        return saved;
    }

    private void publishEnd(RunState state, StepRecord step) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", step.seq());
        data.put("step", step.stepId());
        data.put("uses", step.uses());
        data.put("phase", step.phase());
        data.put("status", step.status());
        data.put("exitCode", step.exitCode());
        data.put("message", step.message());
        events.publish(state.run().id(), state.runbookName(), RunEventType.STEP_FINISHED, data);
    }
}
