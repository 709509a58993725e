package dev.quench.core.store;

import java.util.HashMap;
import java.util.Map;

/**
 * The queued runs per runbook as one admitting transaction sees them: read once, at its first queue check,
 * then counted up by each run it admits to the queue. A batch of 500 alerts used to count the whole queue
 * once per run, so admitting a storm cost the square of its size. Runs that other nodes queue, and queued
 * runs this transaction cancels after the read, are not seen until the next transaction: the bound was
 * already approximate across nodes. Not thread-safe: it belongs to its transaction.
 */
final class QueueTally {

    private final Map<String, Long> byRunbook = new HashMap<>();
    private long all;

    void add(String runbook, long runs) {
        byRunbook.merge(runbook, runs, Long::sum);
        all += runs;
    }

    long all() {
        return all;
    }

    long of(String runbook) {
        return byRunbook.getOrDefault(runbook, 0L);
    }
}
