package dev.quench.core.server;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.guard.KillSwitch;
import dev.quench.core.guard.RunControl;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pausing and resuming the engine, the one implementation behind {@code POST /api/v1/pause|resume} and the
 * console's buttons: set the kill switch (on every engine sharing the store), then start the queued runs on
 * resume or, when asked, cancel the running ones on pause. Thread-safe; the methods block (they write the store).
 */
public final class KillSwitchActions {

    private final RunDispatcher dispatcher;
    private final RunControl control;
    private final KillSwitch killSwitch;

    public KillSwitchActions(RunDispatcher dispatcher) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.control = dispatcher.runControl();
        this.killSwitch = dispatcher.killSwitch();
    }

    /**
     * Pauses ({@code pause}) or resumes, as {@code who} with {@code why}; returns the answer the API sends
     * (paused, changedBy, reason, changedAt, and for a pause the ids cancelled).
     *
     * @param cancelRunning for a pause: also cancel the runs executing on this engine
     */
    public Map<String, Object> set(boolean pause, String who, String why, boolean cancelRunning) {
        KillSwitch.State state = killSwitch.set(pause, who, why);
        List<String> cancelled = List.of();
        if (!pause) {
            dispatcher.startQueuedRuns();
        } else if (cancelRunning) {
            // After the switch is set, so that nothing starts in place of what is cancelled here.
            cancelled = dispatcher.cancelAllRunning(RunControl.cancelledBy(who, why)
                    + " while it ran (quench pause --cancel-running)");
            cancelled.forEach(id -> control.recordRunningCancel(id, who, why));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("paused", state.paused());
        answer.put("changedBy", state.changedBy());
        answer.put("reason", state.reason());
        answer.put("changedAt", state.changedAt());
        if (pause) {
            answer.put("cancelled", cancelled);
        }
        return answer;
    }

    /**
     * A reason as typed into a form, checked as the API checks a body's {@code reason}: one line of plain text,
     * at most 1000 characters.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static String checkedReason(String text) {
        return RequestText.reason(new JsonObject().put("reason", text == null ? "" : text));
    }
}
