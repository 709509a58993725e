package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.runbook.BreakerSpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker on a real store, run once per backend (H2 here, PostgreSQL in the IT), with two
 * "nodes": two stores opened on one database, each with its own admission, as two engines have.
 */
abstract class BreakerStoreContract {

    /** The store of node A. */
    abstract Store store();

    /** A second store on the same database: node B. */
    abstract Store otherNode();

    /** Closes node A's store and opens it again: a restart. */
    abstract Store restart();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private static Runbook guarded(String name, Duration coolOff) {
        return Runbook.builder(name, Path.of(name + ".yaml")).owner("team").manualMinutes(5)
                .guards(new RunbookGuards(Optional.empty(), OptionalInt.empty(), Optional.empty(),
                        Optional.of(new BreakerSpec(3, Duration.ofHours(1), coolOff))))
                .build();
    }

    private static RunRecord queued(String runbook, Instant at) {
        return new RunRecord("r-" + UUID.randomUUID(), runbook, "team", TriggerType.MANUAL, "by test", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", at, null, null, List.of());
    }

    /** A run of {@code runbook} that ended {@code status} at {@code at}, as the executor records it. */
    private String ended(Store store, String runbook, RunStatus status, Instant at, String message) {
        RunRecord run = queued(runbook, at.minusSeconds(5));
        store.runs().insertQueued(run);
        RunLease lease = store.runs().claim(run.id(), "node-a", at.minusSeconds(4), at.plusSeconds(30)).orElseThrow();
        store.runs().finish(lease, status, message, 0, at);
        return run.id();
    }

    private static Admission admit(Store store, RunAdmission admission, Runbook runbook, RunRecord run) {
        admission.prepare(runbook);
        return store.inTransaction(handle -> {
            store.runs().insertQueued(handle, run);
            return admission.admit(handle, runbook, run, null, false, "test");
        });
    }

    private static RunAdmission admission(Store store, Instant at) {
        return new RunAdmission(store.guards(), Clock.fixed(at, ZoneOffset.UTC), Integer.MAX_VALUE, Integer.MAX_VALUE,
                EngineMetrics.discarding());
    }

    @Test
    void threeFailuresWithinTheWindowTripItAndTheRefusalNamesThem() {
        Runbook runbook = guarded("trip-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofMinutes(30));
        List<String> failed = new ArrayList<>();
        for (int i = 3; i >= 1; i--) {
            failed.add(ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(60L * i), "exit code 1 on web-" + i));
        }
        ended(store(), runbook.name(), RunStatus.INTERRUPTED, now.minusSeconds(20), "node died");
        ended(store(), runbook.name(), RunStatus.CANCELLED, now.minusSeconds(10), "cancelled by bob");

        RunRecord run = queued(runbook.name(), now);
        Admission decision = admit(store(), admission(store(), now), runbook, run);

        assertThat(decision).isInstanceOf(Admission.Refused.class);
        RunRecord refused = store().runs().find(run.id()).orElseThrow();
        assertThat(refused.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(refused.message())
                .startsWith("breaker tripped at " + now.minusSeconds(60).truncatedTo(ChronoUnit.SECONDS) + ": 3 failed "
                        + "run(s) of " + runbook.name() + " within 1h (breaker failures: 3): ")
                .contains(failed.get(0), failed.get(1), failed.get(2))
                .contains("the last failed: exit code 1 on web-1")
                .endsWith("New runs are refused until " + now.minusSeconds(60).plus(Duration.ofMinutes(30))
                        .truncatedTo(ChronoUnit.SECONDS) + " (coolOff) or an operator resets it: quench breaker reset "
                        + runbook.name());
    }

    @Test
    void failuresOutsideTheWindowInterruptedAndCancelledRunsDoNotTripIt() {
        Runbook runbook = guarded("window-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofMinutes(30));
        ended(store(), runbook.name(), RunStatus.FAILED, now.minus(Duration.ofMinutes(61)), "old");
        ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(120), "recent");
        ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(60), "recent");
        ended(store(), runbook.name(), RunStatus.INTERRUPTED, now.minusSeconds(30), "node died");
        ended(store(), runbook.name(), RunStatus.CANCELLED, now.minusSeconds(20), "cancelled");

        Admission decision = admit(store(), admission(store(), now), runbook, queued(runbook.name(), now));

        assertThat(decision.starts()).isTrue();
        assertThat(admission(store(), now).breakers().state(runbook).orElseThrow())
                .satisfies(state -> {
                    assertThat(state.tripped()).isFalse();
                    assertThat(state.recentFailures()).isEqualTo(2);
                });
    }

    @Test
    void aTrippedBreakerIsSharedByNodesSurvivesARestartAndAnOperatorResetClosesItForBoth() {
        Runbook runbook = guarded("shared-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofHours(2));
        for (int i = 3; i >= 1; i--) {
            ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(60L * i), "failed " + i);
        }
        assertThat(admit(store(), admission(store(), now), runbook, queued(runbook.name(), now)))
                .isInstanceOf(Admission.Refused.class);

        Store nodeB = otherNode();
        RunRecord onB = queued(runbook.name(), now.plusSeconds(1));
        assertThat(admit(nodeB, admission(nodeB, now.plusSeconds(1)), runbook, onB)).isInstanceOf(Admission.Refused.class);
        assertThat(nodeB.runs().find(onB.id()).orElseThrow().message()).startsWith("breaker tripped at ");

        Store restarted = restart();
        CircuitBreaker.State state = admission(restarted, now.plusSeconds(2)).breakers().state(runbook).orElseThrow();
        assertThat(state.tripped()).isTrue();
        assertThat(state.closesAt()).contains(now.minusSeconds(60).plus(Duration.ofHours(2)));
        assertThat(restarted.breakers().find(runbook.name()).trippedAt()).contains(now.minusSeconds(60));

        CircuitBreaker.State after = admission(restarted, now.plusSeconds(3)).breakers().reset(runbook, "alice").orElseThrow();
        assertThat(after.tripped()).isFalse();
        assertThat(after.lastResetBy()).isEqualTo("alice");
        assertThat(after.recentFailures()).isZero();
        assertThat(admit(nodeB, admission(nodeB, now.plusSeconds(4)), runbook, queued(runbook.name(), now.plusSeconds(4)))
                .starts()).isTrue();
    }

    @Test
    void afterTheCoolOffRunsAreAdmittedAndOnlyNewFailuresCount() {
        Runbook runbook = guarded("cool-" + UUID.randomUUID().toString().substring(0, 8), Duration.ofMinutes(10));
        for (int i = 3; i >= 1; i--) {
            ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(60L * i), "failed " + i);
        }
        assertThat(admit(store(), admission(store(), now), runbook, queued(runbook.name(), now)))
                .isInstanceOf(Admission.Refused.class);

        Instant later = now.plus(Duration.ofMinutes(10));
        assertThat(admit(store(), admission(store(), later), runbook, queued(runbook.name(), later)).starts()).isTrue();
        assertThat(store().breakers().find(runbook.name()).resetBy()).isEqualTo(CircuitBreaker.COOL_OFF);

        // The three old failures are still within the hour, but they were before the cool-off ended.
        ended(store(), runbook.name(), RunStatus.FAILED, later.plusSeconds(10), "again");
        Instant next = later.plusSeconds(20);
        assertThat(admit(store(), admission(store(), next), runbook, queued(runbook.name(), next)).starts()).isTrue();
    }

    @Test
    void twoNodesAdmittingAtOnceTripItOnceAndBothRefuse() throws Exception {
        Store nodeB = otherNode();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                Runbook runbook = guarded("race-" + round + "-" + UUID.randomUUID().toString().substring(0, 6),
                        Duration.ofMinutes(30));
                for (int i = 3; i >= 1; i--) {
                    ended(store(), runbook.name(), RunStatus.FAILED, now.minusSeconds(60L * i), "failed " + i);
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Admission>> decisions = new ArrayList<>();
                for (Store node : List.of(store(), nodeB)) {
                    RunAdmission admission = admission(node, now);
                    admission.prepare(runbook);
                    RunRecord run = queued(runbook.name(), now);
                    decisions.add(threads.submit(() -> {
                        go.await();
                        return node.inTransaction(handle -> {
                            node.runs().insertQueued(handle, run);
                            return admission.admit(handle, runbook, run, null, false, "test");
                        });
                    }));
                }
                go.countDown();
                for (Future<Admission> decision : decisions) {
                    assertThat(decision.get(60, TimeUnit.SECONDS)).as("round %d", round).isInstanceOf(Admission.Refused.class);
                }
                assertThat(store().breakers().all()).filteredOn(breaker -> breaker.runbook().equals(runbook.name()))
                        .singleElement().satisfies(breaker -> assertThat(breaker.trippedAt()).contains(now.minusSeconds(60)));
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
