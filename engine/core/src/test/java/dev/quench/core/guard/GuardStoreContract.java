package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Guard state on a real store, run once per backend (H2 here, PostgreSQL in the IT): admission is
 * atomic across concurrent transactions, decisions are exclusive, the kill switch persists.
 */
abstract class GuardStoreContract {

    abstract Store store();

    private static Runbook budgetOfOne(String name) {
        return Runbook.builder(name, Path.of(name + ".yaml")).owner("team").manualMinutes(5)
                .guards(new RunbookGuards(Optional.empty(), OptionalInt.of(1), Optional.empty())).build();
    }

    private static RunRecord queued(String runbook) {
        return new RunRecord(UUID.randomUUID().toString(), runbook, "team", TriggerType.MANUAL, "by test", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", Instant.now(), null, null, List.of());
    }

    @Test
    void aRunBeyondTheQueueBoundIsRecordedRefusedSayingQueueFull() {
        RunAdmission admission = new RunAdmission(store().guards(), Clock.systemUTC(), 1000, 2);
        Runbook runbook = Runbook.builder("bounded-" + UUID.randomUUID().toString().substring(0, 8),
                Path.of("bounded.yaml")).owner("team").manualMinutes(5).build();
        List<Admission> decisions = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RunRecord run = queued(runbook.name());
            ids.add(run.id());
            decisions.add(store().inTransaction(handle -> {
                store().runs().insertQueued(handle, run);
                return admission.admit(handle, runbook, run, null, false, "test");
            }));
        }

        assertThat(decisions).extracting(Admission::starts).containsExactly(true, true, false);
        RunRecord refused = store().runs().find(ids.get(2)).orElseThrow();
        assertThat(refused.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(refused.message()).startsWith("queue full (2 queued for " + runbook.name() + ", limit 2)");
        assertThat(refused.finishedAt()).isNotNull();
    }

    @Test
    void concurrentAdmissionsNeverBothPassABudgetOfOne() throws Exception {
        RunAdmission admission = new RunAdmission(store().guards(), Clock.systemUTC());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                Runbook runbook = budgetOfOne("budget-" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Admission>> decisions = new ArrayList<>();
                for (int contender = 0; contender < 2; contender++) {
                    RunRecord run = queued(runbook.name());
                    decisions.add(threads.submit(() -> {
                        go.await();
                        return store().inTransaction(handle -> {
                            store().runs().insertQueued(handle, run);
                            return admission.admit(handle, runbook, run, null, false, "test");
                        });
                    }));
                }
                go.countDown();
                List<Admission> outcomes = new ArrayList<>();
                for (Future<Admission> decision : decisions) {
                    outcomes.add(decision.get(60, TimeUnit.SECONDS));
                }
                assertThat(outcomes).filteredOn(Admission::starts).as("round %d", round).hasSize(1);
                assertThat(outcomes).filteredOn(outcome -> outcome instanceof Admission.Refused).hasSize(1);
                assertThat(store().runs().list(RunStatus.REFUSED, runbook.name(), 10)).singleElement()
                        .satisfies(run -> assertThat(run.message()).startsWith("maxRunsPerHour 1: 1 run(s) of "
                                + runbook.name() + " started in the last hour; next allowed at "));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoApprovalsOfOneRunCannotBothWin() {
        Runbook runbook = Runbook.builder("needs-approval", Path.of("needs-approval.yaml")).owner("team")
                .manualMinutes(5)
                .approval(new dev.quench.core.runbook.ApprovalPolicy(true, Optional.of(Duration.ofHours(1)))).build();
        RunRecord run = queued(runbook.name());
        RunAdmission admission = new RunAdmission(store().guards(), Clock.systemUTC());
        Admission decision = store().inTransaction(handle -> {
            store().runs().insertQueued(handle, run);
            return admission.admit(handle, runbook, run, null, false, "test");
        });
        assertThat(decision).isInstanceOf(Admission.AwaitingApproval.class);
        assertThat(store().runs().find(run.id()).orElseThrow().status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        RunControl control = new RunControl(store(), Clock.systemUTC());

        RunControl.Outcome first = control.approve(run.id(), "alice", "ok");
        RunControl.Outcome second = control.reject(run.id(), "bob", "no");

        assertThat(first).isInstanceOf(RunControl.Outcome.Done.class);
        assertThat(second).isEqualTo(new RunControl.Outcome.Conflict("run " + run.id()
                + " is queued: only a run that is awaiting_approval can be rejected"));
        assertThat(control.decisions(run.id())).extracting(RunControl.Decision::action, RunControl.Decision::actor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("approve", "alice"));
    }

    @Test
    void theGuardLookUpsCountOnlyRunsThatRan() {
        String runbook = "counted-" + UUID.randomUUID().toString().substring(0, 8);
        GuardRepository guards = store().guards();
        Instant now = Instant.now();
        RunRecord ran = queued(runbook);
        RunRecord refused = queued(runbook);
        RunRecord admitted = queued(runbook);
        guards.ensureLockRow(runbook, now);
        guards.ensureLockRow(runbook, now);
        store().useTransaction(transaction -> {
            guards.lockRunbook(transaction, runbook, now);
            for (RunRecord run : List.of(ran, refused, admitted)) {
                store().runs().insertQueued(transaction, run);
            }
            guards.setGuardKey(transaction, ran.id(), "web-7");
            guards.recordVerdict(transaction, refused.id(), RunStatus.REFUSED, "cooldown", "web-7", now);
        });

        store().useTransaction(transaction -> {
            assertThat(guards.lastCountedRunWithKey(transaction, runbook, "web-7", admitted.id(), now.minusSeconds(60)))
                    .map(GuardRepository.CountedRun::id).contains(ran.id());
            assertThat(guards.lastCountedRunWithKey(transaction, runbook, "web-8", admitted.id(), now.minusSeconds(60)))
                    .isEmpty();
            assertThat(guards.countedRunStartsSince(transaction, runbook, admitted.id(), now.minusSeconds(60)))
                    .hasSize(1);
            GuardRepository.QueueDepth depth = guards.queueDepth(transaction, runbook, admitted.id());
            assertThat(depth.sameRunbook()).isEqualTo(1);
            assertThat(depth.all()).isGreaterThanOrEqualTo(1);
        });
        assertThat(store().runs().find(refused.id()).orElseThrow().message()).isEqualTo("cooldown");

        assertThat(guards.decide(admitted.id(), List.of(RunStatus.AWAITING_APPROVAL), RunStatus.REJECTED, "no",
                now, new GuardRepository.Decision("reject", "bob", "no", now))).isFalse();
        assertThat(guards.decide(admitted.id(), List.of(RunStatus.QUEUED), RunStatus.CANCELLED, "cancelled by carol",
                now, new GuardRepository.Decision("cancel", "carol", "", now))).isTrue();
        guards.recordDecision(admitted.id(), new GuardRepository.Decision("note", null, null, now.plusSeconds(1)));
        assertThat(guards.decisions(admitted.id())).extracting(GuardRepository.Decision::action,
                        GuardRepository.Decision::actor)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("cancel", "carol"),
                        org.assertj.core.groups.Tuple.tuple("note", "unknown"));
    }

    @Test
    void theKillSwitchIsKeptInTheStore() {
        KillSwitch killSwitch = new KillSwitch(store().switches(), Clock.systemUTC());
        assertThat(killSwitch.paused()).isFalse();

        killSwitch.set(true, "dave", "incident");

        KillSwitch.State state = new KillSwitch(store().switches(), Clock.systemUTC()).state();
        assertThat(state.paused()).isTrue();
        assertThat(state.changedBy()).isEqualTo("dave");
        assertThat(state.reason()).isEqualTo("incident");
        killSwitch.set(false, "dave", "");
        assertThat(killSwitch.paused()).isFalse();
    }
}
