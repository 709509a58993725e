package dev.quench.core.server;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the heap can still serve, for {@code /health/live}: not after an OutOfMemoryError was
 * seen (the engine's state may be broken half-way: only a restart is safe), and not while the
 * tenured heap stays nearly full after a collection (the next allocations fail). Thread-safe.
 */
final class HeapWatch {

    /** Share of the tenured heap in use after a collection beyond which the engine is not live. */
    static final double DEFAULT_LIMIT = 0.95;

    private final double limit;
    /** The pool that fills when the heap is exhausted: the old generation, or the only heap pool. */
    private final MemoryPoolMXBean tenured;
    private final AtomicReference<String> outOfMemory = new AtomicReference<>();

    HeapWatch(double limit) {
        this.limit = limit;
        this.tenured = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported())
                .filter(pool -> pool.getUsage().getMax() > 0)
                .max(Comparator.comparingLong(pool -> pool.getUsage().getMax()))
                .orElse(null);
    }

    /** Records an OutOfMemoryError seen anywhere in the server; liveness fails from now on. */
    void outOfMemory(Throwable error) {
        outOfMemory.compareAndSet(null, String.valueOf(error.getMessage()));
    }

    /** Why the engine cannot serve, or empty while it can. */
    Optional<String> problem() {
        String error = outOfMemory.get();
        if (error != null) {
            return Optional.of("an OutOfMemoryError was thrown (" + error + "); the engine may be broken half-way: "
                    + "restart Quench, and give it more heap (-Xmx) if its load needs it");
        }
        if (tenured == null) {
            return Optional.empty();
        }
        MemoryUsage afterCollection = tenured.getCollectionUsage();
        long max = tenured.getUsage().getMax();
        if (afterCollection != null && max > 0 && afterCollection.getUsed() > limit * max) {
            return Optional.of("the heap is nearly exhausted: " + tenured.getName() + " holds "
                    + (afterCollection.getUsed() >> 20) + " MiB of " + (max >> 20) + " MiB after the last collection "
                    + "(more than " + Math.round(limit * 100) + "%); restart Quench with more heap (-Xmx)");
        }
        return Optional.empty();
    }
}
