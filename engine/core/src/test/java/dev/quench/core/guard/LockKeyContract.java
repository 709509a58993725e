package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.expr.Template;
import dev.quench.core.runbook.LockKeySpec;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.ExpiredLease;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunLockRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code guards.lockKey} on a real store, once per backend (H2 here, PostgreSQL in the IT), with two nodes
 * (two stores on one database) claiming the queue: one holder per key, first come first served, a dead
 * holder's key released with its lease, and runs of other keys never held back.
 */
abstract class LockKeyContract {

    abstract Store store();

    abstract Store otherNode();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private int sequence;
    private final Runbook runbook = Runbook.builder("locked-" + UUID.randomUUID().toString().substring(0, 8),
                    Path.of("locked.yaml")).owner("team").manualMinutes(5)
            .guards(RunbookGuards.NONE.withLockKey(new LockKeySpec.Expression(
                    Template.compile("${{ alert.labels.instance }}"))))
            .build();

    /** Queues and admits a run for {@code instance} (null: an alert without the label, so no lock). */
    private String queue(String instance) {
        Map<String, String> labels = new HashMap<>(Map.of("alertname", "DiskFull"));
        if (instance != null) {
            labels.put("instance", instance);
        }
        Alert alert = new Alert("alertmanager", "fp-" + UUID.randomUUID(), AlertStatus.FIRING, labels, Map.of(), null,
                null, "");
        RunRecord run = new RunRecord("r-" + UUID.randomUUID(), runbook.name(), "team", TriggerType.ALERT, "test", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", now.plusMillis(sequence++), null, null, List.of());
        RunAdmission admission = new RunAdmission(store().guards(), Clock.systemUTC());
        Admission decision = store().inTransaction(handle -> {
            store().runs().insertQueued(handle, run);
            return admission.admit(handle, runbook, run, alert, false, "test");
        });
        assertThat(decision.starts()).isTrue();
        return run.id();
    }

    private static List<String> ids(List<RunLease> leases) {
        return leases.stream().map(RunLease::runId).toList();
    }

    private void end(Store node, RunLease lease) {
        node.runs().finish(lease, RunStatus.SUCCEEDED, "", 5, Instant.now());
    }

    @Test
    void aSecondRunForAHeldKeyWaitsQueuedOnEveryNodeAndStartsWhenTheHolderEnds() {
        String first = queue("web-7");
        String second = queue("web-7");

        List<RunLease> onA = store().runs().claimQueued("node-a", 10, now, now.plusSeconds(30));
        List<RunLease> onB = otherNode().runs().claimQueued("node-b", 10, now, now.plusSeconds(30));

        assertThat(ids(onA)).containsExactly(first);
        assertThat(onB).isEmpty();
        assertThat(store().runs().find(second).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        RunLockRepository.Lock lock = store().locks().locks().stream().filter(held -> held.key().equals("web-7"))
                .findFirst().orElseThrow();
        assertThat(lock.holder().runId()).isEqualTo(first);
        assertThat(lock.holder().node()).isEqualTo("node-a");
        assertThat(lock.waiting()).extracting(RunLockRepository.LockedRun::runId).containsExactly(second);

        end(store(), onA.getFirst());

        assertThat(ids(otherNode().runs().claimQueued("node-b", 10, now, now.plusSeconds(30)))).containsExactly(second);
    }

    @Test
    void runsOfOtherKeysAndWithoutAKeyAreNotHeldBackByAWaitingRun() {
        String holder = queue("web-1");
        assertThat(ids(store().runs().claimQueued("node-a", 1, now, now.plusSeconds(30)))).containsExactly(holder);
        String waiting = queue("web-1");
        String otherKey = queue("web-2");
        String noKey = queue(null);

        // Only two places: the waiting run, oldest in the queue, must not take one of them.
        assertThat(ids(otherNode().runs().claimQueued("node-b", 2, now, now.plusSeconds(30))))
                .containsExactly(otherKey, noKey);
        assertThat(store().runs().find(waiting).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    }

    @Test
    void aDeadHoldersRunRequeuedWithItsLeaseKeepsItsPlaceFirstInLine() {
        String first = queue("db-1");
        String second = queue("db-1");
        RunLease lease = store().runs().claimQueued("node-a", 10, now, now.plusSeconds(1)).getFirst();
        assertThat(lease.runId()).isEqualTo(first);

        List<ExpiredLease> expired = otherNode().runs().expiredLeases(now.plusSeconds(5), 10);
        assertThat(expired).extracting(ExpiredLease::runId).contains(first);
        expired.stream().filter(lapsed -> lapsed.runId().equals(first)).forEach(lapsed ->
                assertThat(otherNode().runs().requeue(lapsed)).isTrue());

        assertThat(ids(otherNode().runs().claimQueued("node-b", 10, now.plusSeconds(5), now.plusSeconds(35))))
                .containsExactly(first);
        assertThat(store().runs().find(second).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
    }

    @Test
    void twoNodesClaimingTogetherNeverRunTwoHoldersOfOneKeyAndServeEachKeyInOrder() throws Exception {
        List<String> keys = List.of("k1", "k2", "k3", "k4");
        Map<String, List<String>> queuedOrder = new HashMap<>();
        for (int round = 0; round < 4; round++) {
            for (String key : keys) {
                queuedOrder.computeIfAbsent(key, ignored -> new ArrayList<>()).add(queue(key));
            }
        }
        Map<String, String> keyOf = new HashMap<>();
        queuedOrder.forEach((key, runs) -> runs.forEach(run -> keyOf.put(run, key)));
        Map<String, List<String>> startedOrder = new HashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20 && startedOrder.values().stream().mapToInt(List::size).sum() < 16; round++) {
                CountDownLatch go = new CountDownLatch(1);
                ConcurrentLinkedQueue<Map.Entry<Store, RunLease>> claimed = new ConcurrentLinkedQueue<>();
                List<Future<?>> nodes = new ArrayList<>();
                for (Store node : List.of(store(), otherNode())) {
                    String name = node == store() ? "node-a" : "node-b";
                    nodes.add(threads.submit(() -> {
                        go.await();
                        node.runs().claimQueued(name, 16, now, now.plusSeconds(60))
                                .forEach(lease -> claimed.add(Map.entry(node, lease)));
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> node : nodes) {
                    node.get(60, TimeUnit.SECONDS);
                }
                Map<String, Long> runningPerKey = new HashMap<>();
                claimed.forEach(entry -> runningPerKey.merge(keyOf.get(entry.getValue().runId()), 1L, Long::sum));
                assertThat(runningPerKey.values()).as("round %d: holders per key %s", round, runningPerKey)
                        .allMatch(count -> count == 1);
                claimed.forEach(entry -> {
                    startedOrder.computeIfAbsent(keyOf.get(entry.getValue().runId()), ignored -> new ArrayList<>())
                            .add(entry.getValue().runId());
                    end(entry.getKey(), entry.getValue());
                });
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(startedOrder).isEqualTo(queuedOrder);
    }
}
