package dev.quench.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;

/**
 * The re-delivery check for alerts stored in bulk ({@code alert_chunk}): the 128-bit hashes of the
 * dedupe keys of the alerts stored in the last {@code window}, in memory, so a storm's alerts are
 * checked without an index look-up each. Bounded twice: keys older than the window are forgotten,
 * and beyond {@code maxKeys} the oldest quarter is forgotten early. A re-delivery of a forgotten
 * alert is stored again as a new unmatched alert (it still starts no run: it matches no runbook).
 * Kept in generations of a quarter window each, so forgetting is dropping one. Thread-safe.
 */
final class RecentAlertKeys {

    private static final int GENERATIONS = 4;

    private record Generation(Instant start, Hash128Set keys) {
    }

    private final Duration window;
    private final Duration span;
    private final int maxKeysPerGeneration;
    /** Newest first. */
    private final ArrayDeque<Generation> generations = new ArrayDeque<>();
    private long forgottenEarly;
    /**
     * The next alert id as of the last catch-up with the store: alerts with ids from here on may have
     * been stored by another node sharing the store, and are read before the next batch is checked.
     */
    private long caughtUpTo = -1;

    RecentAlertKeys(Duration window, int maxKeys) {
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero() || maxKeys < GENERATIONS) {
            throw new IllegalArgumentException("the re-delivery window must be positive and hold at least "
                    + GENERATIONS + " keys");
        }
        this.span = window.dividedBy(GENERATIONS);
        this.maxKeysPerGeneration = maxKeys / GENERATIONS;
    }

    Duration window() {
        return window;
    }

    /** The next alert id as of the last catch-up, or -1 before the first. */
    synchronized long caughtUpTo() {
        return caughtUpTo;
    }

    synchronized void caughtUpTo(long nextId) {
        caughtUpTo = Math.max(caughtUpTo, nextId);
    }

    /** Whether the alert with this key hash was stored within the window. */
    synchronized boolean contains(long hi, long lo) {
        for (Generation generation : generations) {
            if (generation.keys().contains(hi, lo)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers the key hashes {@code hashes[2k], hashes[2k+1]} of alerts stored at {@code at}. */
    synchronized void addAll(long[] hashes, int count, Instant at) {
        for (int index = 0; index < count; index++) {
            current(at).keys().add(hashes[2 * index], hashes[2 * index + 1]);
        }
    }

    /** How many keys are remembered. */
    synchronized long size() {
        long size = 0;
        for (Generation generation : generations) {
            size += generation.keys().size();
        }
        return size;
    }

    /** How many keys were forgotten before their window ended because {@code maxKeys} was reached. */
    synchronized long forgottenEarly() {
        return forgottenEarly;
    }

    private Generation current(Instant at) {
        Generation newest = generations.peekFirst();
        if (newest == null || !at.isBefore(newest.start().plus(span))
                || newest.keys().size() >= maxKeysPerGeneration) {
            newest = new Generation(newest == null || at.isAfter(newest.start()) ? at : newest.start(),
                    new Hash128Set(1024));
            generations.addFirst(newest);
            forget(at);
        }
        return newest;
    }

    /** Drops generations that ended before the window, and the oldest beyond {@link #GENERATIONS} + 1. */
    private void forget(Instant now) {
        Instant horizon = now.minus(window);
        for (Iterator<Generation> oldest = generations.descendingIterator(); oldest.hasNext(); ) {
            Generation generation = oldest.next();
            boolean expired = generation.start().plus(span).isBefore(horizon);
            boolean surplus = generations.size() > GENERATIONS + 1;
            if (!expired && !surplus) {
                break;
            }
            if (!expired) {
                forgottenEarly += generation.keys().size();
            }
            oldest.remove();
        }
    }
}
