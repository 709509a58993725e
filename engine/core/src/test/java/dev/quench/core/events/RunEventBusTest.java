package dev.quench.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The bus on its own: ids, replay after Last-Event-ID, the line budget, a slow reader, ended runs. */
class RunEventBusTest {

    private static final UnaryOperator<String> NO_MASK = UnaryOperator.identity();

    private final RunEventBus bus = new RunEventBus(EventLimits.DEFAULTS, Clock.systemUTC());

    @Test
    void eachRunNumbersItsEventsFromOneAndAResumeReadsOnlyWhatCameAfter() {
        bus.publish("r1", "rb", RunEventType.STATUS, Map.of("status", "running"));
        bus.publish("r2", "rb", RunEventType.STATUS, Map.of("status", "running"));
        bus.line("r1", "rb", RunEventType.STDOUT, "s", "one", NO_MASK);
        bus.line("r1", "rb", RunEventType.STDOUT, "s", "two", NO_MASK);

        try (EventSubscription resumed = bus.subscribe("r1", 2, event -> true, () -> { })) {
            List<RunEvent> events = resumed.drain();
            assertThat(events).extracting(RunEvent::id).containsExactly(3L);
            assertThat(events.getFirst().data()).containsEntry("line", "two");
        }
        try (EventSubscription all = bus.subscribe(null, 2, event -> true, () -> { })) {
            assertThat(all.drain()).extracting(RunEvent::engineId).containsExactly(3L, 4L);
        }
    }

    @Test
    void aReaderThatShowsTheFinishedStepsResumesAfterTheLongestStretchItShows() {
        bus.publish("r1", "rb", RunEventType.STATUS, Map.of("status", "running"));
        bus.publish("r1", "rb", RunEventType.STEP_STARTED, Map.of("seq", 1, "step", "a"));
        bus.line("r1", "rb", RunEventType.STDOUT, "a", "from a", NO_MASK);
        bus.publish("r1", "rb", RunEventType.STEP_FINISHED, Map.of("seq", 1, "step", "a"));
        bus.publish("r1", "rb", RunEventType.STEP_STARTED, Map.of("seq", 2, "step", "b"));
        bus.line("r1", "rb", RunEventType.STDOUT, "b", "from b", NO_MASK);
        bus.line("r1", "rb", RunEventType.STDOUT, "a", "late line of a", NO_MASK);

        long upTo = bus.shownUpTo("r1", event -> !"b".equals(event.data().get("step")));

        assertThat(upTo).as("stops before the first event of step b: its lines are not shown yet").isEqualTo(4L);
        assertThat(bus.shownUpTo("r1", event -> false)).isZero();
        assertThat(bus.shownUpTo("unknown", event -> true)).isZero();
    }

    @Test
    void aRunWritingFasterThanItsBudgetLosesLinesAndTheStreamSaysHowMany() {
        RunEventBus slow = new RunEventBus(EventLimits.DEFAULTS.withLineRate(1, 10), Clock.systemUTC());
        for (int line = 0; line < 1000; line++) {
            slow.line("r", "rb", RunEventType.STDOUT, "s", "line " + line, NO_MASK);
        }
        slow.publish("r", "rb", RunEventType.END, Map.of("status", "succeeded", "message", ""));

        try (EventSubscription reader = slow.subscribe("r", 0, event -> true, () -> { })) {
            List<RunEvent> events = reader.drain();
            // The ended run keeps its last 100 events: the budget let 10 (or 11) lines through.
            assertThat(events.stream().filter(event -> event.type() == RunEventType.STDOUT).count()).isBetween(10L, 12L);
            RunEvent dropped = events.get(events.size() - 2);
            assertThat(dropped.type()).isEqualTo(RunEventType.DROPPED);
            assertThat(((Number) dropped.data().get("count")).longValue()).isBetween(988L, 990L);
            assertThat(events.getLast().type()).isEqualTo(RunEventType.END);
        }
    }

    @Test
    void aReaderThatDoesNotDrainLosesTheNewestEventsAndIsToldWhereWithoutSlowingThePublisher() {
        AtomicInteger wakeUps = new AtomicInteger();
        try (EventSubscription stuck = bus.subscribe("r", 0, event -> true, wakeUps::incrementAndGet)) {
            long started = System.nanoTime();
            for (int index = 0; index < 5000; index++) {
                bus.publish("r", "rb", RunEventType.INFO, Map.of("n", index));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(wakeUps).hasValue(1);
            List<RunEvent> events = stuck.drain();
            assertThat(events).hasSize(EventLimits.DEFAULTS.readerQueue() + 1);
            assertThat(events.getLast().type()).isEqualTo(RunEventType.DROPPED);
            assertThat(events.getLast().data()).containsEntry("count", 5000L - EventLimits.DEFAULTS.readerQueue());
            assertThat(events.getLast().local()).isTrue();
        }
        assertThat(bus.subscribers()).isZero();
    }

    @Test
    void aReaderThatLosesADroppedLinesEventStillCountsTheLinesItStoodFor() {
        RunEventBus slow = new RunEventBus(EventLimits.DEFAULTS.withLineRate(1, 1), Clock.systemUTC());
        int queue = EventLimits.DEFAULTS.readerQueue();
        try (EventSubscription stuck = slow.subscribe("r", 0, event -> true, () -> { })) {
            for (int index = 0; index < queue; index++) {
                slow.publish("r", "rb", RunEventType.INFO, Map.of("n", index));
            }
            slow.line("r", "rb", RunEventType.STDOUT, "s", "let through", NO_MASK);
            for (int line = 0; line < 15; line++) {
                slow.line("r", "rb", RunEventType.STDOUT, "s", "over budget", NO_MASK);
            }
            // The step's end flushes "15 lines left out" to a reader whose queue is full: both are lost to it.
            slow.publish("r", "rb", RunEventType.STEP_FINISHED, Map.of("step", "s"));

            List<RunEvent> events = stuck.drain();
            assertThat(events.getLast().type()).isEqualTo(RunEventType.DROPPED);
            // The line let through, the dropped-lines event standing for 15 lines, and the step's end.
            assertThat(events.getLast().data()).containsEntry("count", 1L + 15L + 1L);
        }
    }

    @Test
    void aResumeFromBeforeTheReplayBufferSaysHowManyEventsItMissed() {
        for (int index = 0; index < EventLimits.DEFAULTS.runBuffer() + 50; index++) {
            bus.publish("r", "rb", RunEventType.INFO, Map.of("n", index));
        }
        try (EventSubscription late = bus.subscribe("r", 10, event -> true, () -> { })) {
            List<RunEvent> events = late.drain();
            assertThat(events.getFirst().type()).isEqualTo(RunEventType.DROPPED);
            assertThat(events.getFirst().data()).containsEntry("count", 40L);
            assertThat(events.get(1).id()).isEqualTo(51L);
        }
    }

    @Test
    void anEndedRunKeepsItsEndAndNothingAfterItIsPublished() {
        bus.publish("r", "rb", RunEventType.END, Map.of("status", "failed", "message", "exit 1"));
        bus.line("r", "rb", RunEventType.STDOUT, "s", "late", NO_MASK);

        assertThat(bus.hasEnded("r")).isTrue();
        try (EventSubscription late = bus.subscribe("r", 0, event -> true, () -> { })) {
            assertThat(late.drain()).extracting(RunEvent::type).containsExactly(RunEventType.END);
        }
    }

    @Test
    void aLongLineIsCutWithAMarkerAndMaskedAfterTheCut() {
        String line = "secret-value " + "x".repeat(5000);
        bus.line("r", "rb", RunEventType.STDOUT, "s", line, text -> text.replace("secret-value", "***"));
        try (EventSubscription reader = bus.subscribe("r", 0, event -> true, () -> { })) {
            String published = (String) reader.drain().getFirst().data().get("line");
            assertThat(published).startsWith("*** x").contains("…[truncated").doesNotContain("secret-value");
            assertThat(published.length()).isLessThan(EventLimits.DEFAULTS.maxLineChars() + 60);
        }
    }
}
