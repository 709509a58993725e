package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.server.ApprovalSettings;
import dev.quench.core.server.ManualRuns;
import dev.quench.core.server.Principal;
import dev.quench.core.server.RunDecisions;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approvals inbox: which waiting runs a principal sees, what it may do about each and why not, and plans. */
class ApprovalsInboxTest {

    @TempDir
    Path temp;

    private EngineHarness harness;
    private ApprovalsInbox inbox;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        for (String team : new String[] {"db", "web"}) {
            Files.writeString(runbooks.resolve(team + ".yaml"), """
                    name: restart-%1$s
                    owner: %1$s-team
                    approval: {required: true}
                    params:
                      target: {type: string, default: %1$s-1}
                    steps:
                      - {id: restart, uses: shell.exec, with: {command: 'echo restart ${{ params.target }}'}}
                    """.formatted(team));
        }
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        assertThat(harness.engine().runbooks().problems()).isEmpty();
        RunDecisions decisions = new RunDecisions(harness.engine().store(), harness.engine().dispatcher(),
                new ApprovalSettings(true));
        inbox = new ApprovalsInbox(harness.engine().store(), harness.engine().runbooks(), decisions,
                new ManualRuns(harness.engine().runbooks(), harness.engine().dispatcher()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aWaitingRunIsPlannedOnceUntilItsRunbookChanges() throws Exception {
        RunRecord db = waiting("restart-db", "alice");
        Principal bob = new Principal("bob", Role.VIEWER, null);

        ApprovalsInbox.Plan first = inbox.plan(bob, db.id());
        ApprovalsInbox.Plan again = inbox.plan(bob, db.id());

        assertThat(again).as("planned once: a waiting run's params and alert do not change").isSameAs(first);
        Files.writeString(harness.engine().runbooks().directory().resolve("db.yaml"), """
                name: restart-db
                owner: db-team
                approval: {required: true}
                params:
                  target: {type: string, default: db-1}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: 'echo reboot ${{ params.target }}'}}
                """);
        harness.engine().runbooks().reload();
        ApprovalsInbox.Plan changed = inbox.plan(bob, db.id());
        assertThat(((ApprovalsInbox.Plan.Shown) changed).plan().toString()).as("the runbook as loaded now")
                .contains("echo reboot 'host 7'").doesNotContain("echo restart");
    }

    /**
     * A probe, not a check: what a page of 50 waiting runs costs to show (the inbox and every plan), first and
     * again. Prints its figures; asserts no timing.
     */
    @Test
    void probeAPageOfFiftyWaitingRuns() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(waiting(i % 2 == 0 ? "restart-db" : "restart-web", "alice").id());
        }
        Principal root = new Principal("root", Role.ADMIN, null);
        long[] nanos = new long[3];
        for (int pass = 0; pass < nanos.length; pass++) {
            long started = System.nanoTime();
            assertThat(inbox.inbox(root).runs()).hasSize(50);
            for (String id : ids) {
                assertThat(inbox.plan(root, id)).isInstanceOf(ApprovalsInbox.Plan.Shown.class);
            }
            nanos[pass] = System.nanoTime() - started;
        }
        System.out.printf("approvals probe: a page of 50 waiting runs with their plans: first %d ms, second %d ms,"
                + " third %d ms%n", nanos[0] / 1_000_000, nanos[1] / 1_000_000, nanos[2] / 1_000_000);
    }

    private RunRecord waiting(String runbook, String by) {
        Runbook loaded = harness.engine().runbooks().find(runbook).orElseThrow();
        return harness.engine().dispatcher().startManual(loaded, Map.of("target", "host 7"), null, false, by);
    }

    @Test
    void aTeamTokenSeesItsTeamsWaitingRunsOnlyAndAnUnscopedOneSeesAll() {
        RunRecord db = waiting("restart-db", "alice");
        RunRecord web = waiting("restart-web", "alice");

        ApprovalsInbox.Inbox dbInbox = inbox.inbox(new Principal("dana", Role.OPERATOR, "db-team"));
        ApprovalsInbox.Inbox all = inbox.inbox(new Principal("root", Role.ADMIN, null));

        assertThat(dbInbox.runs()).extracting(ApprovalsInbox.WaitingRun::id).containsExactly(db.id());
        assertThat(all.runs()).extracting(ApprovalsInbox.WaitingRun::id).containsExactlyInAnyOrder(db.id(), web.id());
        ApprovalsInbox.WaitingRun row = dbInbox.runs().getFirst();
        assertThat(row.trigger()).isEqualTo("manual: by alice");
        assertThat(row.params()).containsEntry("target", "host 7");
        assertThat(row.message()).startsWith("waiting for approval");
        assertThat(dbInbox.separateApprover()).isTrue();
        assertThat(dbInbox.more()).isFalse();
    }

    @Test
    void theButtonsFollowTheRoleAndTheFourEyesRuleAndSayWhyWhenMissing() {
        waiting("restart-db", "alice");

        ApprovalsInbox.WaitingRun forViewer = inbox.inbox(new Principal("vera", Role.VIEWER, null)).runs().getFirst();
        ApprovalsInbox.WaitingRun forStarter = inbox.inbox(new Principal("alice", Role.OPERATOR, null)).runs().getFirst();
        ApprovalsInbox.WaitingRun forOther = inbox.inbox(new Principal("bob", Role.OPERATOR, null)).runs().getFirst();

        assertThat(forViewer.approve()).isEqualTo(new ActionState(false,
                "token 'vera' has role viewer; to approve a run needs role operator (or a higher role)"));
        assertThat(forViewer.reject().allowed()).isFalse();
        assertThat(forStarter.approve().allowed()).isFalse();
        assertThat(forStarter.approve().why()).contains("approval.separateApprover is on: another operator must approve it");
        assertThat(forStarter.reject().allowed()).isTrue();
        assertThat(forOther.approve()).isEqualTo(new ActionState(true, ""));
    }

    @Test
    void thePlanOfAWaitingRunShowsTheRenderedCommandAndAnotherTeamsRunIsMissing() {
        RunRecord db = waiting("restart-db", "alice");

        ApprovalsInbox.Plan plan = inbox.plan(new Principal("bob", Role.VIEWER, null), db.id());
        ApprovalsInbox.Plan hidden = inbox.plan(new Principal("wes", Role.OPERATOR, "web-team"), db.id());

        assertThat(plan).isInstanceOfSatisfying(ApprovalsInbox.Plan.Shown.class, shown -> {
            assertThat(shown.plan().planned()).isTrue();
            assertThat(shown.plan().steps()).singleElement().satisfies(step -> {
                assertThat(step.id()).isEqualTo("restart");
                assertThat(step.inputs()).containsEntry("command", "echo restart 'host 7'");
            });
            assertThat(shown.plan().params()).containsEntry("target", "host 7");
        });
        assertThat(hidden).isEqualTo(new ApprovalsInbox.Plan.Missing(db.id()));
        assertThat(inbox.plan(new Principal("bob", Role.VIEWER, null), "nope"))
                .isEqualTo(new ApprovalsInbox.Plan.Missing("nope"));
    }
}
