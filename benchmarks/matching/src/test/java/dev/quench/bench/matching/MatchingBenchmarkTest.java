package dev.quench.bench.matching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.Runbook;
import org.junit.jupiter.api.Test;

/** Smoke test: the benchmark's state builds and its operation matches what it should (no timing). */
class MatchingBenchmarkTest {

    @Test
    void theBenchmarkMatchesTheRunbookOfEachAlertAmongTenThousand() {
        MatchingBenchmark benchmark = new MatchingBenchmark();
        benchmark.runbooks = 10_000;
        benchmark.setUp();

        // alerts[0] is Alert0: runbook-0 is a regex one (index % 50 == 0), so check alerts[1] = Alert7919.
        benchmark.matchOneAlert();
        assertThat(benchmark.matchOneAlert()).extracting(Runbook::name).contains("runbook-7919");
        for (int call = 0; call < 10_000; call++) {
            assertThat(benchmark.matchOneAlert()).isNotNull();
        }
    }
}
