package dev.quench.core.events;

import java.util.ArrayDeque;

/**
 * One run's side of the bus: its next event id, its replay buffer, and the budget of output lines it
 * may still turn into events (a token bucket). Confined to the bus's lock.
 */
final class RunChannel {

    final String runbook;
    final ArrayDeque<RunEvent> buffer = new ArrayDeque<>();
    long lastId;
    boolean ended;
    /** Lines left out since the last event that said so. */
    long droppedLines;
    private double tokens;
    private long refilledAt;

    RunChannel(String runbook, int burst, long now) {
        this.runbook = runbook;
        this.tokens = burst;
        this.refilledAt = now;
    }

    /** Takes one line from the budget; false when the run writes faster than {@code perSecond} beyond its burst. */
    boolean admitLine(int perSecond, int burst, long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * perSecond / 1e9);
        refilledAt = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    void keep(RunEvent event, int capacity) {
        buffer.add(event);
        while (buffer.size() > capacity) {
            buffer.poll();
        }
    }
}
