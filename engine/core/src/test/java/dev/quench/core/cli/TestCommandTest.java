package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
