package dev.quench.plugin.ssh;

import dev.quench.api.Cancellation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A cancellation the test fires by hand (or on a timer, like the engine's step timeout). */
final class TestCancellation implements Cancellation {

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
        actions.add(action);
        if (isCancelled()) {
            action.run();
        }
    }

    void cancel(String why) {
        synchronized (this) {
            if (isCancelled()) {
                return;
            }
            reason = why;
        }
        actions.forEach(Runnable::run);
    }
}
