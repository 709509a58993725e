package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookGuards;
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
        return new Runbook(name, "", "team", 5, Optional.empty(), List.of(), List.of(),
                Map.of("guards", new RunbookGuards(Optional.empty(), OptionalInt.of(1), Optional.empty())),
                Path.of(name + ".yaml"));
    }

    private static RunRecord queued(String runbook) {
        return new RunRecord(UUID.randomUUID().toString(), runbook, "team", TriggerType.MANUAL, "by test", null,
                RunStatus.QUEUED, false, Map.of(), 5, 0, "", Instant.now(), null, null, List.of());
    }

    @Test
    void aRunBeyondTheQueueBoundIsRecordedRefusedSayingQueueFull() {
        RunAdmission admission = new RunAdmission(store().guards(), Clock.systemUTC(), 1000, 2);
        Runbook runbook = new Runbook("bounded-" + UUID.randomUUID().toString().substring(0, 8), "", "team", 5,
                Optional.empty(), List.of(), List.of(), Map.of(), Path.of("bounded.yaml"));
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
        Runbook runbook = new Runbook("needs-approval", "", "team", 5, Optional.empty(), List.of(), List.of(),
                Map.of("approval", new dev.quench.core.runbook.ApprovalPolicy(true, Optional.of(Duration.ofHours(1)))),
                Path.of("needs-approval.yaml"));
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
