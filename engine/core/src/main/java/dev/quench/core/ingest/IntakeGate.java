package dev.quench.core.ingest;

import java.util.function.LongSupplier;

/**
 * The bounded intake: counts alerts being stored plus alerts stored but not yet matched, and
 * refuses a delivery that would push the total past the bound, so the sender retries later
 * (503) instead of Quench accepting what it cannot keep up with. A delivery larger than the bound
 * is still accepted when nothing is pending, so a 10,000-alert group always gets in eventually.
 * Thread-safe.
 */
public final class IntakeGate {

    private final long maxPendingAlerts;
    private final LongSupplier backlog;
    private long inFlight;

    public IntakeGate(long maxPendingAlerts, LongSupplier backlog) {
        if (maxPendingAlerts < 1) {
            throw new IllegalArgumentException("ingest.maxPendingAlerts must be at least 1, was " + maxPendingAlerts);
        }
        this.maxPendingAlerts = maxPendingAlerts;
        this.backlog = backlog;
    }

    /** Takes room for {@code alerts} alerts, or returns false when the intake is full. */
    public synchronized boolean tryAcquire(int alerts) {
        long pending = inFlight + backlog.getAsLong();
        if (pending > 0 && pending + alerts > maxPendingAlerts) {
            return false;
        }
        inFlight += alerts;
        return true;
    }

    /** Gives back room taken by {@link #tryAcquire}, once the alerts are stored (and handed on) or failed. */
    public synchronized void release(int alerts) {
        inFlight -= alerts;
    }

    public long maxPendingAlerts() {
        return maxPendingAlerts;
    }
}
