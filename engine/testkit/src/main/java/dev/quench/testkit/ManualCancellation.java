package dev.quench.testkit;

import dev.quench.api.Cancellation;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cancellation a test fires by hand with {@link #cancel}, or that {@link StepTestContext} fires when
 * the step's time runs out, with the reason the engine gives. Fires once; thread-safe.
 */
public final class ManualCancellation implements Cancellation {

    private final List<Runnable> actions = new CopyOnWriteArrayList<>();
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
    public void onCancel(Runnable action) {
        Objects.requireNonNull(action, "action");
        actions.add(action);
        if (isCancelled()) {
            action.run();
        }
    }

    /** Cancels with {@code why} ("run cancelled by alice") and runs the registered actions; later calls do nothing. */
    public void cancel(String why) {
        Objects.requireNonNull(why, "why");
        synchronized (this) {
            if (isCancelled()) {
                return;
            }
            reason = why;
        }
        actions.forEach(Runnable::run);
    }
}
