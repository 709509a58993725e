package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench test}: runbook tests pass and fail like a test runner's, with the differences spelled out. */
class TestCommandTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private Path runbooks(String tests) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("restart.yaml"), """
                name: restart
                triggers:
                  alert:
                    matchers: ['alertname="Wedged"']
                steps:
                  - id: check
                    uses: shell.exec
                    with: {command: 'systemctl is-active ${{ alert.labels.service }}'}
                  - id: restart
                    uses: shell.exec
                    when: ${{ trim(steps.check.stdout) != 'active' }}
                    with: {command: 'systemctl restart ${{ alert.labels.service }}'}
                    retry: {attempts: 2, delay: 0s}
                onFailure:
                  - id: page
                    uses: shell.exec
                    with: {command: 'page ${{ run.failedStep }}'}
                """);
        Files.writeString(runbooks.resolve("restart.test.yaml"), tests);
        return runbooks;
    }

    @Test
    void passingTestsPrintPassAndExit0() throws Exception {
        Path runbooks = runbooks("""
                tests:
                  - name: an active service is left alone
                    alert: {labels: {alertname: Wedged, service: "api; reboot"}}
                    matches: [restart]
                    steps:
                      check: {stdout: "active\\n"}
                    expect:
                      status: succeeded
                      ran: [check, restart]
                      steps:
                        check: {with: {command: "systemctl is-active 'api; reboot'"}}
                        restart: {status: skipped}
                  - name: a failed restart pages with the failed step
                    alert: {labels: {alertname: Wedged, service: api}}
                    steps:
                      check: {stdout: "failed\\n", exitCode: 0}
                      restart: {exitCode: 1}
                    expect:
                      status: failed
                      steps:
                        restart: {status: failed, message: failed after 2 attempts}
                        page: {status: succeeded, with: {command: page clean}}
                """);

        int exit = QuenchMain.run("test", runbooks.toString());

        String report = stdout.text();
        assertThat(report).contains("PASS an active service is left alone");
        assertThat(report).contains("FAIL a failed restart pages with the failed step")
                .contains("steps.page.with.command: expected \"page clean\" but was \"page restart\"");
        assertThat(report).endsWith("2 test(s): 1 passed, 1 failed\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void wrongExpectationsAreEachReported() throws Exception {
        Path runbooks = runbooks("""
                tests:
                  - name: everything wrong
                    alert: {labels: {alertname: Wedged, service: api}}
                    matches: [restart, other]
                    expect:
                      status: failed
                      ran: [check]
                      steps:
                        restart: {status: skipped}
                """);

        assertThat(QuenchMain.run("test", runbooks.resolve("restart.test.yaml").toString())).isEqualTo(1);

        assertThat(stdout.text()).contains("""
                  FAIL everything wrong""").contains("""
                       matches: expected [restart, other] but the alert matched [restart]
                       status: expected failed but the run succeeded
                       ran: expected steps [check] but [check, restart] ran
                       steps.restart.status: expected skipped but was succeeded
                """);
    }

    @Test
    void aMisspeltFieldInATestFileIsAnErrorNotASilentPass() throws Exception {
        Path runbooks = runbooks("""
                tests:
                  - name: typo
                    alert: {labels: {alertname: Wedged}}
                    expcet: {status: succeeded}
                """);

        assertThat(QuenchMain.run("test", runbooks.toString())).isEqualTo(1);

        assertThat(stdout.text()).contains("ERROR " + runbooks.resolve("restart.test.yaml")
                + ": tests[1] 'typo': unknown field 'expcet' — did you mean 'expect'?");
    }

    private static final String PASSING = """
            tests:
              - name: an active service is left alone
                alert: {labels: {alertname: Wedged, service: api}}
                steps:
                  check: {stdout: "active\\n"}
                expect: {status: succeeded}
            """;

    @Test
    void problemsOfUnrelatedRunbooksAreReportedApartAndNotCountedAsTests() throws Exception {
        Path runbooks = runbooks(PASSING);
        for (String name : List.of("broken-one", "broken-two", "broken-three")) {
            Files.writeString(runbooks.resolve(name + ".yaml"), """
                    name: %s
                    steps:
                      - id: one
                        uses: no.such.step
                      - id: two
                        uses: shell.exec
                        with: {commnd: 'true'}
                    """.formatted(name));
        }

        int exit = QuenchMain.run("test", runbooks.toString());

        String report = stdout.text();
        assertThat(report).contains("PASS an active service is left alone")
                .contains(runbooks.resolve("broken-two.yaml") + ":4:")
                .endsWith("1 test(s): 1 passed, 0 failed; 6 problem(s) in 3 runbook file(s) (quench validate "
                        + runbooks + ")\n");
        assertThat(exit).as("a directory with an invalid runbook fails, as 'quench validate DIR' does").isEqualTo(1);

        stdout.reset();
        exit = QuenchMain.run("test", runbooks.resolve("restart.test.yaml").toString());

        assertThat(stdout.text()).contains("PASS an active service is left alone")
                .endsWith("1 test(s): 1 passed, 0 failed; note: 6 problem(s) in 3 other runbook file(s) in " + runbooks
                        + " (quench validate " + runbooks + ")\n");
        assertThat(exit).as("one test file is judged by its own runbook").isZero();
    }

    @Test
    void aTestOfABrokenRunbookFailsAndSaysWhy() throws Exception {
        Path runbooks = runbooks(PASSING.replace("- name: an active", "- name: the restart runbook is broken\n"
                + "    runbook: restart\n    alert: {labels: {alertname: Wedged}}\n    expect: {status: succeeded}\n"
                + "  - name: an active"));
        Files.writeString(runbooks.resolve("restart.yaml"), Files.readString(runbooks.resolve("restart.yaml"))
                .replace("uses: shell.exec", "uses: shell.exce"));

        int exit = QuenchMain.run("test", runbooks.resolve("restart.test.yaml").toString());

        String report = stdout.text();
        assertThat(report).contains(runbooks.resolve("restart.yaml") + ":7:11: unknown step type 'shell.exce'")
                .contains("FAIL the restart runbook is broken")
                .contains("runbook 'restart' is not loaded: " + runbooks.resolve("restart.yaml") + " has problems (above)")
                .contains("FAIL an active service is left alone")
                .contains("the alert matched []: say which runbook to run, like runbook: name (" + runbooks.resolve(
                        "restart.yaml") + " beside this test has problems (above), so its runbook is not loaded)")
                .endsWith("2 test(s): 0 passed, 2 failed; 3 problem(s) in 1 runbook file(s) (quench validate "
                        + runbooks.resolve("restart.yaml") + ")\n");
        assertThat(exit).isEqualTo(1);
    }

    @Test
    void eachCaseStartsFromEmptyGuardStateAndMayExpectARunHeldForApproval() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("guarded"));
        Files.writeString(runbooks.resolve("flush.yaml"), """
                name: flush
                triggers:
                  alert:
                    matchers: ['alertname="CacheFull"']
                guards: {cooldown: 1h, dedupeKey: 'cache'}
                steps:
                  - {id: flush, uses: shell.exec, with: {command: 'echo flushed'}}
                """);
        Files.writeString(runbooks.resolve("approved-flush.yaml"), """
                name: approved-flush
                approval: required
                steps:
                  - {id: flush, uses: shell.exec, with: {command: 'echo flushed'}}
                """);
        Files.writeString(runbooks.resolve("flush.test.yaml"), """
                tests:
                  - name: the first alert flushes
                    alert: {labels: {alertname: CacheFull}}
                    expect: {status: succeeded, ran: [flush]}
                  - name: so does the first alert of the next case, whatever the cooldown of the case before
                    alert: {labels: {alertname: CacheFull}}
                    expect: {status: succeeded, ran: [flush]}
                  - name: a runbook that requires approval waits for it
                    runbook: approved-flush
                    expect: {status: awaitingApproval, ran: []}
                  - name: an expectation of a refusal fails on a run that waits
                    runbook: approved-flush
                    expect: {status: refused}
                """);

        int exit = QuenchMain.run("test", runbooks.toString());

        String report = stdout.text();
        assertThat(report).contains("PASS the first alert flushes")
                .contains("PASS so does the first alert of the next case, whatever the cooldown of the case before")
                .contains("PASS a runbook that requires approval waits for it")
                .contains("FAIL an expectation of a refusal fails on a run that waits")
                .contains("status: expected refused but the run awaiting_approval: ")
                .endsWith("4 test(s): 3 passed, 1 failed\n");
        assertThat(exit).isEqualTo(1);
    }
}
