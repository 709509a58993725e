package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** forEach as authors see it: the dry-run plan lists every item's command, and runbook tests address items. */
class ForEachCommandsTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private Path runbooks() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("restart-all.yaml"), """
                name: restart-all
                params:
                  hosts: {default: "web-1,web 2"}
                steps:
                  - id: restart
                    uses: shell.exec
                    forEach: ${{ params.hosts.split(',') }}
                    concurrency: 1
                    with: {command: 'ssh ${{ item }} systemctl restart app'}
                  - id: report
                    uses: shell.exec
                    with: {command: 'echo restarted ${{ size(steps.restart.items) }}'}
                """);
        return runbooks;
    }

    @Test
    void theDryRunPlanShowsEveryItemsRenderedCommand() throws Exception {
        Path runbooks = runbooks();

        int exit = QuenchMain.run("run", "restart-all", "--runbooks", runbooks.toString(), "--dry-run");

        assertThat(exit).isZero();
        assertThat(stdout.text())
                .contains("1. restart (shell.exec)\n       forEach: [\"web-1\",\"web 2\"]\n       concurrency: 1\n")
                .contains("2. restart[0] (shell.exec)\n       command: ssh web-1 systemctl restart app\n")
                .contains("3. restart[1] (shell.exec)\n       command: ssh 'web 2' systemctl restart app\n")
                .contains("4. report (shell.exec)\n       command: echo restarted 2\n")
                .contains("result: planned");
    }

    @Test
    void runbookTestsCanCanItemsAndExpectTheirInputs() throws Exception {
        Path runbooks = runbooks();
        Files.writeString(runbooks.resolve("restart-all.test.yaml"), """
                runbook: restart-all
                tests:
                  - name: the second host fails and stops the run
                    params: {hosts: "a,b,c"}
                    steps:
                      restart[1]: {exitCode: 1, stderr: "unit not found"}
                    expect:
                      status: failed
                      ran: [restart, "restart[0]", "restart[1]"]
                      steps:
                        restart: {status: failed, message: "item 1 (b) failed"}
                        restart[1]: {with: {command: ssh b systemctl restart app}}
                        report: {status: notRun}
                """);

        int exit = QuenchMain.run("test", runbooks.toString());

        assertThat(stdout.text()).contains("PASS the second host fails and stops the run")
                .endsWith("1 test(s): 1 passed, 0 failed\n");
        assertThat(exit).isZero();
    }
}
