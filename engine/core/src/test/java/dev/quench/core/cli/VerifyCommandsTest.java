package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify in the command line: {@code quench test} asserts how verify ended ({@code expect.verify}), its checks
 * following each other without waiting; a wrong or misspelt expectation is reported; {@code quench run --dry-run}
 * plans the verify steps.
 */
class VerifyCommandsTest {

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
                  - id: restart
                    uses: shell.exec
                    with: {command: 'systemctl restart ${{ alert.labels.service }}'}
                verify:
                  - id: active
                    uses: shell.exec
                    with: {command: 'systemctl is-active ${{ alert.labels.service }}'}
                    timeout: 1h
                    every: 1m
                onFailure:
                  - id: page
                    uses: shell.exec
                    with: {command: 'page ${{ run.failedStep }}'}
                """);
        Files.writeString(runbooks.resolve("restart.test.yaml"), tests);
        return runbooks;
    }

    @Test
    void quenchTestAssertsHowVerifyEndedWithoutWaitingForItsDeadline() throws Exception {
        Path runbooks = runbooks("""
                tests:
                  - name: an active service after the restart is recovered
                    alert: {labels: {alertname: Wedged, service: api}}
                    expect:
                      status: succeeded
                      verify: recovered
                      ran: [restart, active]
                  - name: a service that stays down is not recovered and pages
                    alert: {labels: {alertname: Wedged, service: api}}
                    steps:
                      active: {exitCode: 3, stdout: "failed\\n"}
                    expect:
                      status: failed
                      verify: notRecovered
                      ran: [restart, active, page]
                      steps:
                        active: {status: failed, message: "did not pass in 60 checks"}
                        page: {with: {command: page active}}
                  - name: a failed restart does not verify
                    alert: {labels: {alertname: Wedged, service: api}}
                    steps:
                      restart: {exitCode: 1}
                    expect: {status: failed, verify: notRun, ran: [restart, page]}
                  - name: a wrong verify expectation fails the test
                    alert: {labels: {alertname: Wedged, service: api}}
                    steps:
                      active: {exitCode: 3}
                    expect: {verify: recovered}
                """);
        long began = System.nanoTime();

        int exit = QuenchMain.run("test", runbooks.toString());

        String report = stdout.text();
        assertThat(report).contains("PASS an active service after the restart is recovered")
                .contains("PASS a service that stays down is not recovered and pages")
                .contains("PASS a failed restart does not verify")
                .contains("FAIL a wrong verify expectation fails the test")
                .contains("verify: expected recovered but the run's verify was notRecovered (not recovered: active: "
                        + "did not pass in 60 checks");
        assertThat(report).endsWith("4 test(s): 3 passed, 1 failed\n");
        assertThat(exit).isEqualTo(1);
        assertThat((System.nanoTime() - began) / 1_000_000_000).as("not the 1h deadline").isLessThan(60);
    }

    @Test
    void aMisspeltVerifyOutcomeIsAnError() throws Exception {
        Path runbooks = runbooks("""
                tests:
                  - name: typo
                    alert: {labels: {alertname: Wedged, service: api}}
                    expect: {verify: recoverd}
                """);

        assertThat(QuenchMain.run("test", runbooks.toString())).isEqualTo(1);

        assertThat(stdout.text()).contains("ERROR " + runbooks.resolve("restart.test.yaml")
                + ": tests[1] 'typo' expect.verify: unknown value 'recoverd' — did you mean 'recovered'? "
                + "(one of recovered, notRecovered, notRun)");
    }

    @Test
    void aDryRunPlansTheVerifySteps() throws Exception {
        Path runbooks = runbooks("tests: []\n");
        Path alert = Files.writeString(temp.resolve("alert.yaml"), "labels: {alertname: Wedged, service: api}\n");

        int exit = QuenchMain.run("run", "restart", "--runbooks", runbooks.toString(), "--alert", alert.toString(),
                "--dry-run");

        assertThat(exit).isZero();
        assertThat(stdout.text()).contains("1. restart (shell.exec)").contains("2. verify active (shell.exec)")
                .contains("command: systemctl is-active api").contains("result: planned");
    }
}
