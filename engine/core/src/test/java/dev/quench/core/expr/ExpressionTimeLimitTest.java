package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.jexl3.JexlScript;
import org.junit.jupiter.api.Test;

/**
 * The expression time limit stops a slow expression ({@link ParsingFunctionsTest} has the catastrophic
 * regex at the real limit), not a quick one that waited for a thread: at full size (5,000 alerts, three
 * nodes, load 25 on two cores) {@code ${{ run.id }}} failed four runs "took longer than 2s" because every
 * carrier thread of the virtual-thread scheduler was busy with other runs' work. A short limit (200 ms)
 * keeps the carriers busy for a moment only: this test must not starve the tests beside it.
 */
class ExpressionTimeLimitTest {

    private static final Duration LIMIT = Duration.ofMillis(200);
    private static final ExpressionScope SCOPE = ExpressionScope.of(null, Map.of("host", "web-1"), Map.of(), Map.of(),
            Map.of());

    @Test
    void aQuickExpressionThatWaitsLongerThanTheLimitForAFreeThreadIsEvaluatedNotStopped() throws Exception {
        JexlScript script = ExpressionLanguage.compile("params.host", Declarations.unchecked());
        assertThat(ExpressionLanguage.evaluate("params.host", script, SCOPE.context(), LIMIT)).isEqualTo("web-1");
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        CountDownLatch allBusy = new CountDownLatch(carriers);
        // Set once all spin: each then holds its carrier until three times the limit has passed.
        AtomicLong busyUntil = new AtomicLong();
        List<Thread> spinners = new ArrayList<>();
        for (int carrier = 0; carrier < carriers; carrier++) {
            // Virtual threads are not time-sliced: each of these holds its carrier until it ends.
            spinners.add(Thread.ofVirtual().start(() -> {
                allBusy.countDown();
                while (busyUntil.get() == 0 || System.nanoTime() - busyUntil.get() < 0) {
                    Thread.onSpinWait();
                }
            }));
        }
        assertThat(allBusy.await(30, TimeUnit.SECONDS)).as("every carrier thread busy").isTrue();

        long handedOver = System.nanoTime();
        busyUntil.set(handedOver + LIMIT.multipliedBy(3).toNanos());
        Object value = ExpressionLanguage.evaluate("params.host", script, SCOPE.context(), LIMIT);
        Duration took = Duration.ofNanos(System.nanoTime() - handedOver);

        assertThat(value).isEqualTo("web-1");
        assertThat(took).as("the evaluation waited for a carrier longer than the limit (the case under test)")
                .isGreaterThan(LIMIT);
        for (Thread spinner : spinners) {
            spinner.join(Duration.ofSeconds(30));
        }
    }

    @Test
    void anExpressionThatRunsLongerThanTheLimitIsStillStopped() {
        // Java memoizes most nested loops, but not backreferences: this one takes exponential time.
        String expression = "matches('" + "a".repeat(40) + "', '(a+)+\\\\1b')";
        JexlScript script = ExpressionLanguage.compile(expression, Declarations.unchecked());

        assertThatThrownBy(() -> ExpressionLanguage.evaluate(expression, script, SCOPE.context(), LIMIT))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("took longer than 200ms and was stopped");
    }
}
