package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code /health/live} says about the heap: read from this JVM's real memory pools. */
class HeapWatchTest {

    @Test
    void aHeapFullerThanTheLimitAfterACollectionIsNotLive() {
        HeapWatch anyUse = new HeapWatch(0.0);
        System.gc(); // the check reads the usage after the last collection

        assertThat(anyUse.problem()).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("the heap is nearly exhausted: ")
                .contains("after the last collection (more than 0%); restart Quench with more heap (-Xmx)"));
        assertThat(new HeapWatch(HeapWatch.DEFAULT_LIMIT).problem()).isEmpty();
    }

    @Test
    void anOutOfMemoryErrorOnceSeenMakesTheEngineNotLiveForGood() {
        HeapWatch heap = new HeapWatch(HeapWatch.DEFAULT_LIMIT);

        heap.outOfMemory(new OutOfMemoryError("Java heap space"));

        assertThat(heap.problem()).contains("an OutOfMemoryError was thrown (Java heap space); the engine may be broken "
                + "half-way: restart Quench, and give it more heap (-Xmx) if its load needs it");
    }
}
