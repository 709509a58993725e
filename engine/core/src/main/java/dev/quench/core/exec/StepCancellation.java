package dev.quench.core.exec;

import dev.quench.api.Cancellation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cancellation signal of one step. Thread-safe. */
final class StepCancellation implements Cancellation {

    private static final Logger LOG = LoggerFactory.getLogger(StepCancellation.class);

    private final List<Runnable> actions = new ArrayList<>();
    private String reason = "";
    private boolean cancelled;

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public synchronized String reason() {
        return reason;
    }

    @Override
    public void onCancel(Runnable action) {
        boolean runNow;
        synchronized (this) {
            runNow = cancelled;
            if (!runNow) {
                actions.add(action);
            }
        }
        if (runNow) {
            runSafely(action);
        }
    }

    /** Fires the signal once; later calls do nothing. */
    void cancel(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            reason = why;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(StepCancellation::runSafely);
    }

    private static void runSafely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("a step's cancel action failed", e);
        }
    }
}
