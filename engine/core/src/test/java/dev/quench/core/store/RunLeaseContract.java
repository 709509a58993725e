package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The run queue's leases, claims, fencing and takeovers, against every store backend. */
abstract class RunLeaseContract {

    abstract Store store();

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private RunRecord queued(String runbook, Instant created) {
        RunRecord run = new RunRecord("r-" + UUID.randomUUID(), runbook, "team", TriggerType.MANUAL, "by test", null,
                RunStatus.QUEUED, false, Map.of(), 1, 0, "", created, null, null, List.of());
        store().runs().insertQueued(run);
        return run;
    }

    private static StepRecord step(int seq, String id, Instant at) {
        return new StepRecord(seq, id, "shell.exec", "running", Map.of("command", "true"), null, "", "", "", at, null);
    }

    @Test
    void nodesClaimingTogetherNeverTakeTheSameRun() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            ids.add(queued("claim-race", now.minusSeconds(600).plusMillis(i)).id());
        }
        ConcurrentLinkedQueue<RunLease> claimed = new ConcurrentLinkedQueue<>();
        List<Future<?>> nodes = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
            for (String node : List.of("node-a", "node-b", "node-c")) {
                nodes.add(threads.submit(() -> {
                    for (int round = 0; round < 100; round++) {
                        List<RunLease> batch = store().runs().claimQueued(node, 4, now, now.plusSeconds(30));
                        claimed.addAll(batch);
                        if (batch.isEmpty()) {
                            return;
                        }
                    }
                }));
            }
            for (Future<?> node : nodes) {
                node.get();
            }
        }
        List<String> claimedIds = claimed.stream().map(RunLease::runId).filter(ids::contains).toList();
        assertThat(claimedIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        for (RunLease lease : claimed) {
            RunRecord run = store().runs().find(lease.runId()).orElseThrow();
            assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
        }
    }

    @Test
    void aNodeWhoseLeaseWasTakenOverCannotWriteTheRunAnyMore() {
        RunRecord run = queued("fenced", now);
        RunLease slow = store().runs().claim(run.id(), "slow-node", now, now.plusSeconds(1)).orElseThrow();
        store().runs().startStep(slow, step(1, "restart", now));

        ExpiredLease expired = store().runs().expiredLeases(now.plusSeconds(5), 1000).stream()
                .filter(lease -> lease.runId().equals(run.id())).findFirst().orElseThrow();
        assertThat(expired.owner()).isEqualTo("slow-node");
        assertThat(expired.currentStep()).contains("restart");
        RunLease taker = store().runs().takeOver(expired, "fast-node", now.plusSeconds(35)).orElseThrow();
        assertThat(taker.generation()).isEqualTo(slow.generation() + 1);
        // A second taker with the same stale view loses.
        assertThat(store().runs().takeOver(expired, "third-node", now.plusSeconds(35))).isEmpty();

        assertThatThrownBy(() -> store().runs().finishStep(slow, step(1, "restart", now)))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("slow-node");
        assertThatThrownBy(() -> store().runs().startStep(slow, step(2, "verify", now)))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("start step 'verify'");
        assertThatThrownBy(() -> store().runs().finish(slow, RunStatus.SUCCEEDED, "", 1, now))
                .isInstanceOf(LeaseLostException.class);

        store().runs().startStep(taker, step(2, "page", now));
        store().runs().finish(taker, RunStatus.INTERRUPTED, "interrupted in step 'restart'", 0, now);
        RunRecord recorded = store().runs().find(run.id()).orElseThrow();
        assertThat(recorded.status()).isEqualTo(RunStatus.INTERRUPTED);
        assertThat(recorded.steps()).extracting(StepRecord::stepId).containsExactly("restart", "page");
        assertThat(store().runs().lastStepSeq(run.id())).isEqualTo(2);
    }

    @Test
    void aStepsEndIsWrittenWithTheNextStartOrTheRunsEndAndNeverAfterTheLeaseIsLost() {
        RunRecord run = queued("combined", now);
        ClaimedRun claimed = store().runs().claimQueuedRuns("node-a", 100, now, now.plusSeconds(30)).stream()
                .filter(candidate -> candidate.run().id().equals(run.id())).findFirst().orElseThrow();
        assertThat(claimed.run().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(claimed.run().startedAt()).isEqualTo(now);
        assertThat(claimed.run().runbook()).isEqualTo("combined");
        assertThat(claimed.alert()).isEmpty();
        RunLease lease = claimed.lease();
        StepRecord first = step(1, "first", now);
        store().runs().startStep(lease, first);
        StepRecord firstEnded = new StepRecord(1, "first", "shell.exec", "succeeded", Map.of("command", "true"), 0,
                "out", "", "", now, now.plusMillis(5));
        store().runs().startStep(lease, List.of(firstEnded), step(2, "second", now.plusMillis(5)));
        assertThat(store().runs().find(run.id()).orElseThrow().steps()).extracting(StepRecord::status)
                .containsExactly("succeeded", "running");

        StepRecord secondEnded = new StepRecord(2, "second", "shell.exec", "succeeded", Map.of("command", "true"), 0,
                "", "", "", now.plusMillis(5), now.plusMillis(9));
        RunLease stale = new RunLease(lease.runId(), lease.node(), lease.generation() - 1);
        assertThatThrownBy(() -> store().runs().finish(stale, List.of(secondEnded), RunStatus.SUCCEEDED, "", 1, now))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> store().runs().startStep(stale, List.of(secondEnded), step(3, "third", now)))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store().runs().find(run.id()).orElseThrow().steps()).extracting(StepRecord::status)
                .as("a lost lease writes no step end").containsExactly("succeeded", "running");

        assertThat(store().runs().finish(lease, List.of(secondEnded), RunStatus.SUCCEEDED, "", 1, now.plusMillis(9)))
                .isEqualTo(1);
        RunRecord recorded = store().runs().find(run.id()).orElseThrow();
        assertThat(recorded.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(recorded.steps()).extracting(StepRecord::status).containsExactly("succeeded", "succeeded");
        assertThat(recorded.steps().get(0).stdout()).isEqualTo("out");
    }

    @Test
    void aRunWhoseNodeDiedBeforeItsFirstStepIsQueuedAgainOnce() {
        RunRecord run = queued("requeue", now);
        RunLease dead = store().runs().claim(run.id(), "dead-node", now, now.plusSeconds(1)).orElseThrow();
        ExpiredLease expired = store().runs().expiredLeases(now.plusSeconds(5), 1000).stream()
                .filter(lease -> lease.runId().equals(run.id())).findFirst().orElseThrow();

        assertThat(store().runs().requeue(expired)).isTrue();
        assertThat(store().runs().requeue(expired)).isFalse();
        assertThat(store().runs().find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        assertThatThrownBy(() -> store().runs().startStep(dead, step(1, "late", now)))
                .isInstanceOf(LeaseLostException.class);
        RunLease again = store().runs().claim(run.id(), "live-node", now, now.plusSeconds(30)).orElseThrow();
        assertThat(again.generation()).isEqualTo(dead.generation() + 2);
    }

    @Test
    void theHeartbeatRenewsOnlyTheRunsTheNodeExecutes() {
        RunRecord executing = queued("heartbeat", now);
        RunRecord orphan = queued("heartbeat", now.plusMillis(1));
        store().runs().claim(executing.id(), "beating-node", now, now.plusSeconds(1)).orElseThrow();
        store().runs().claim(orphan.id(), "beating-node", now, now.plusSeconds(1)).orElseThrow();
        store().nodes().register("beating-node", "127.0.0.1:1", now);

        List<String> held = store().nodes().heartbeat("beating-node", now.plusSeconds(1), now.plusSeconds(60),
                List.of(executing.id()));

        assertThat(held).contains(executing.id(), orphan.id());
        assertThat(store().runs().expiredLeases(now.plusSeconds(5), 1000)).extracting(ExpiredLease::runId)
                .contains(orphan.id()).doesNotContain(executing.id());
        assertThat(store().nodes().list()).anySatisfy(node -> {
            assertThat(node.id()).isEqualTo("beating-node");
            assertThat(node.runningRuns()).contains(executing.id(), orphan.id());
            assertThat(node.lastHeartbeat()).isEqualTo(now.plusSeconds(1));
        });
    }

    @Test
    void aNodeIsForgottenOnlyWhenSilentAndHoldingNoRun() {
        String holder = "silent-holder-" + UUID.randomUUID();
        String idle = "silent-idle-" + UUID.randomUUID();
        String alive = "alive-" + UUID.randomUUID();
        RunRecord held = queued("held by a silent node", now);
        store().runs().claim(held.id(), holder, now, now.plusSeconds(1)).orElseThrow();
        store().nodes().register(holder, "127.0.0.1:1", now);
        store().nodes().register(idle, "127.0.0.1:2", now);
        store().nodes().register(alive, "127.0.0.1:3", now.plusSeconds(7200));

        int forgotten = store().nodes().forgetSilent(now.plusSeconds(3600));

        assertThat(forgotten).isGreaterThanOrEqualTo(1);
        assertThat(store().nodes().list()).extracting(ClusterNodeRecord::id)
                .contains(holder, alive).doesNotContain(idle);
        assertThat(store().nodes().remove(holder)).as("a node holding a running run keeps its row").isFalse();
        assertThat(store().nodes().remove(alive)).isTrue();
        assertThat(store().nodes().list()).extracting(ClusterNodeRecord::id).doesNotContain(alive);
    }

    @Test
    void aScheduleFireMakesOneRunWhateverHowOftenItArrives() {
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        String runbook = "nightly-" + UUID.randomUUID();
        assertThat(claimFire(runbook, at, "r-1"))
                .isTrue();
        assertThat(claimFire(runbook, at, "r-2"))
                .isFalse();
        assertThat(claimFire(runbook, at.plusSeconds(60), "r-3")).isTrue();
    }

    @Test
    void aReDeliveryToAnotherNodeIsRecognisedThere() {
        AlertRepository nodeA = new AlertRepository(store().jdbi());
        AlertRepository nodeB = new AlertRepository(store().jdbi());
        java.util.function.Predicate<dev.quench.core.alert.Alert> noise = alert -> alert.name().equals("Noise");
        // Node B has read its re-delivery window before node A stores anything.
        assertThat(nodeB.recordDeliveries(List.of(delivery(alert("b-first", "Noise"))), noise).get(0).created())
                .hasSize(1);
        dev.quench.core.alert.Alert bulk = alert("fp-" + UUID.randomUUID(), "Noise");
        dev.quench.core.alert.Alert row = alert("fp-" + UUID.randomUUID(), "DiskFull");
        assertThat(nodeA.recordDeliveries(List.of(delivery(bulk, row)), noise).get(0).created()).hasSize(2);

        assertThat(nodeB.recordDeliveries(List.of(delivery(row, bulk)), noise).get(0).created())
                .as("both stored by node A: neither is stored again by node B").isEmpty();
        assertThat(nodeA.recordDeliveries(List.of(delivery(bulk)), noise).get(0).created()).isEmpty();
    }

    private DeliveryToRecord delivery(dev.quench.core.alert.Alert... alerts) {
        return new DeliveryToRecord("alertmanager", null, List.of(alerts), now);
    }

    private dev.quench.core.alert.Alert alert(String fingerprint, String name) {
        return new dev.quench.core.alert.Alert("alertmanager", fingerprint, dev.quench.core.alert.AlertStatus.FIRING,
                Map.of("alertname", name, "instance", "web-7:9100"), Map.of(), now.minusSeconds(60), null,
                "http://prom/graph");
    }

    private boolean claimFire(String runbook, Instant at, String runId) {
        Boolean claimed = store().inTransaction(transaction -> store().schedules().claimFire(transaction, runbook, at,
                runId));
        return claimed;
    }
}
