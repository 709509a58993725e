package dev.quench.core.match;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts alerts that matched no runbook and logs one INFO summary per interval instead of a line
 * per alert (each one is at DEBUG), so an alert storm cannot flood the log. Thread-safe.
 */
public final class UnmatchedAlertSummary {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final AtomicLong sinceLastSummary = new AtomicLong();
    private final AtomicLong lastSummaryNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    public UnmatchedAlertSummary(Logger log) {
        this.log = java.util.Objects.requireNonNull(log, "log");
    }

    /** Counts one unmatched alert; logs the summary when the interval has passed. */
    public void count() {
        count(1);
    }

    /** Counts {@code alerts} unmatched alerts; logs the summary when the interval has passed. */
    public void count(long alerts) {
        if (alerts <= 0) {
            return;
        }
        sinceLastSummary.addAndGet(alerts);
        long now = System.nanoTime();
        long last = lastSummaryNanos.get();
        if (now - last >= INTERVAL_NANOS && lastSummaryNanos.compareAndSet(last, now)) {
            long count = sinceLastSummary.getAndSet(0);
            log.info("{} alert(s) matched no runbook since the last summary: counted as manual toil "
                    + "(GET /api/v1/alerts?matched=false lists them; DEBUG logs each one)", count);
        }
    }
}
