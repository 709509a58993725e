package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decisions and plans the API and the console share: who may approve, reject or cancel a waiting run
 * (role, team, four eyes), what an approval does (the run starts), and the plan of a waiting run.
 */
class RunDecisionsTest {

    @TempDir
    Path temp;

    private EngineHarness harness;
    private RunDecisions decisions;
    private ManualRuns manualRuns;
    private Path marker;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        marker = temp.resolve("restarted");
        Files.writeString(runbooks.resolve("restart.yaml"), """
                name: restart-db
                owner: db-team
                approval: {required: true}
                params:
                  hosts: {type: list, default: [db-1]}
                  retries: {type: int, default: 1}
                steps:
                  - id: restart
                    uses: shell.exec
                    forEach: ${{ params.hosts }}
                    with: {command: 'touch %s; echo ${{ item }} ${{ params.retries }} ${{ alert.labels.instance }}'}
                """.formatted(marker));
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        assertThat(harness.engine().runbooks().problems()).isEmpty();
        decisions = new RunDecisions(harness.engine().store(), harness.engine().dispatcher(), new ApprovalSettings(true));
        manualRuns = new ManualRuns(harness.engine().runbooks(), harness.engine().dispatcher());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Runbook runbook() {
        return harness.engine().runbooks().find("restart-db").orElseThrow();
    }

    private RunRecord waitingRun(String by, Map<String, String> params, Alert alert) throws Exception {
        RunRecord run = harness.engine().dispatcher().startManual(runbook(), params, alert, false, by);
        assertThat(harness.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        return run;
    }

    @Test
    void anOperatorApprovesAndTheRunStartsAndSucceeds() throws Exception {
        RunRecord run = waitingRun("alice", Map.of(), null);

        RunDecisions.Result result = decisions.decide(new Principal("bob", Role.OPERATOR, null), run.id(),
                RunDecisions.Action.APPROVE, "db-1 is safe");

        assertThat(result).isInstanceOf(RunDecisions.Result.Done.class);
        harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(harness.run(run.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(marker).exists();
        assertThat(harness.engine().dispatcher().runControl().decisions(run.id())).singleElement()
                .satisfies(decision -> {
                    assertThat(decision.actor()).isEqualTo("bob");
                    assertThat(decision.reason()).isEqualTo("db-1 is safe");
                });
    }

    @Test
    void aViewerIsRefusedWithTheRoleNeededAndTheRunKeepsWaiting() throws Exception {
        RunRecord run = waitingRun("alice", Map.of(), null);
        Principal viewer = new Principal("vera", Role.VIEWER, null);

        RunDecisions.Result result = decisions.decide(viewer, run.id(), RunDecisions.Action.APPROVE, "");

        assertThat(result).isEqualTo(new RunDecisions.Result.Forbidden(
                "token 'vera' has role viewer; to approve a run needs role operator (or a higher role)"));
        assertThat(harness.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(decisions.refusal(viewer, run, RunDecisions.Action.REJECT)).isPresent();
    }

    @Test
    void anOperatorOfAnotherTeamIsRefusedNamingTheTeam() throws Exception {
        RunRecord run = waitingRun("alice", Map.of(), null);

        RunDecisions.Result result = decisions.decide(new Principal("wes", Role.OPERATOR, "web-team"), run.id(),
                RunDecisions.Action.REJECT, "");

        assertThat(result).isEqualTo(new RunDecisions.Result.Forbidden("token 'wes' is limited to team 'web-team'; run "
                + run.id() + " belongs to team 'db-team': a token of that team (or without a team) is needed"));
        assertThat(harness.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(decisions.refusal(new Principal("dana", Role.OPERATOR, "db-team"), run,
                RunDecisions.Action.APPROVE)).isEmpty();
    }

    @Test
    void withSeparateApproverTheStarterMayRejectButNotApprove() throws Exception {
        RunRecord run = waitingRun("alice", Map.of(), null);
        Principal alice = new Principal("alice", Role.ADMIN, null);

        assertThat(decisions.decide(alice, run.id(), RunDecisions.Action.APPROVE, ""))
                .isEqualTo(new RunDecisions.Result.Forbidden("run " + run.id() + " was started by 'alice', and "
                        + "approval.separateApprover is on: another operator must approve it"));
        assertThat(decisions.refusal(alice, run, RunDecisions.Action.REJECT)).isEmpty();

        RunDecisions.Result rejected = decisions.decide(alice, run.id(), RunDecisions.Action.REJECT, "not now");

        assertThat(rejected).isInstanceOfSatisfying(RunDecisions.Result.Done.class, done -> {
            assertThat(done.run().status()).isEqualTo(RunStatus.REJECTED);
            assertThat(done.run().message()).isEqualTo("rejected by alice: not now");
        });
        assertThat(marker).doesNotExist();
    }

    @Test
    void aSecondDecisionIsAConflictAndAnUnknownRunIsNotFound() throws Exception {
        RunRecord run = waitingRun("alice", Map.of(), null);
        Principal bob = new Principal("bob", Role.OPERATOR, null);
        decisions.decide(bob, run.id(), RunDecisions.Action.REJECT, "");

        assertThat(decisions.decide(bob, run.id(), RunDecisions.Action.APPROVE, ""))
                .isEqualTo(new RunDecisions.Result.Conflict("run " + run.id() + " is rejected: only a run that is "
                        + "awaiting_approval can be approved"));
        assertThat(decisions.decide(bob, "no-such-run", RunDecisions.Action.APPROVE, ""))
                .isEqualTo(new RunDecisions.Result.NotFound("no-such-run"));
    }

    @Test
    void thePlanOfAWaitingRunRendersItsTypedParamsAndTheAlertItWasGivenAndChangesNothing() throws Exception {
        Alert alert = new Alert("manual", "fp-1", AlertStatus.FIRING, Map.of("alertname", "DbDown", "instance", "db-9"),
                Map.of(), Instant.now(), null, null);
        RunRecord run = waitingRun("alice", Map.of("hosts", "[\"db-1\", \"db 2\"]", "retries", "3"), alert);

        ManualRuns.Outcome outcome = manualRuns.planOf(harness.run(run.id()), "bob");

        assertThat(outcome).isInstanceOfSatisfying(ManualRuns.Outcome.Planned.class, planned -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) planned.plan().get("steps");
            assertThat(steps).extracting(step -> step.get("id")).containsExactly("restart", "restart[0]", "restart[1]");
            assertThat(((Map<?, ?>) steps.get(2).get("rendered")).get("command"))
                    .isEqualTo("touch " + marker + "; echo 'db 2' 3 db-9");
        });
        assertThat(marker).doesNotExist();
        assertThat(harness.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(harness.engine().store().runs().list(null, null, 100)).hasSize(1);
    }
}
