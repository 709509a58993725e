package dev.quench.bench.matching;

import dev.quench.core.alert.Alert;
import dev.quench.core.match.RunbookMatcher;
import dev.quench.core.runbook.Runbook;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching cost per alert with many loaded runbooks (goal: under 10 µs with 10,000). Each call
 * matches the next of 1,024 different alerts, so the figure is not one lucky cached look-up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MatchingBenchmark {

    @Param({"10000"})
    public int runbooks;

    private RunbookMatcher matcher;
    private Alert[] alerts;
    private int next;

    @Setup
    public void setUp() {
        List<Runbook> fleet = RunbookFleet.runbooks(runbooks);
        matcher = new RunbookMatcher(fleet);
        alerts = new Alert[1024];
        for (int index = 0; index < alerts.length; index++) {
            // Mostly names that have a runbook, one in eight that has none (manual toil).
            alerts[index] = RunbookFleet.alert(index % 8 == 7 ? runbooks + index : (index * 7919) % runbooks);
        }
    }

    /** Matches one alert against every loaded runbook. */
    @Benchmark
    public List<Runbook> matchOneAlert() {
        Alert alert = alerts[next];
        next = (next + 1) & (alerts.length - 1);
        return matcher.matching(alert);
    }
}
