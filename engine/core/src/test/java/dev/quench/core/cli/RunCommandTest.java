package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench run}: a dry run prints the exact plan and changes nothing; a real run records and exits by status. */
class RunCommandTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path runbooks(Path marker) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("wedged.yaml"), """
                name: wedged
                triggers:
                  alert:
                    matchers: ['alertname="Wedged"']
                params:
                  service: {default: app}
                steps:
                  - id: restart
                    uses: ssh.exec
                    with:
                      host: ${{ host(alert.labels.instance) }}
                      command: systemctl restart ${{ params.service }} && touch %s
                    retry: {attempts: 3, delay: 1s}
                  - id: rollback
                    uses: shell.exec
                    when: ${{ steps.restart.status == 'failed' }}
                    with: {command: touch %s}
                  - id: mark
                    uses: shell.exec
                    with: {command: touch %s}
                onFailure:
                  - id: page
                    uses: http.request
                    with: {method: POST, url: 'http://127.0.0.1:9/page', json: {summary: '${{ run.failedStep }}'}}
                """.formatted(marker, marker, marker));
        // A runbook test beside the runbooks is not a runbook.
        Files.writeString(runbooks.resolve("wedged.test.yaml"), "tests: []\n");
        return runbooks;
    }

    @Test
    void aDryRunPrintsEveryStepWithItsRenderedInputsAndChangesNothing() throws Exception {
        Path marker = temp.resolve("changed");
        Path alert = temp.resolve("alert.yaml");
        Files.writeString(alert, """
                labels: {alertname: Wedged, instance: "web-7:9100"}
                """);
        Path data = temp.resolve("data");

        int exit = QuenchMain.run("run", "wedged", "--runbooks", runbooks(marker).toString(), "--alert", alert.toString(),
                "--param", "service=my app; rm -rf /", "--dry-run", "--data", data.toString());

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output()).isEqualTo("""
                plan for wedged (dry run: nothing was run or changed)
                  source: %s
                  alert:  firing Wedged %s
                  params: service=my app; rm -rf /
                  1. restart (ssh.exec)
                       host: web-7
                       command: systemctl restart 'my app; rm -rf /' && touch %s
                  2. rollback (shell.exec): would be skipped
                       -> skipped: when ${{ steps.restart.status == 'failed' }} was false
                  3. mark (shell.exec)
                       command: touch %s
                  if a step fails: page (http.request)
                result: planned
                """.formatted(temp.resolve("runbooks/wedged.yaml"),
                "{alertname=Wedged, instance=web-7:9100}", marker, marker)); // the sender's order
        assertThat(marker).doesNotExist();
        assertThat(data).doesNotExist();
    }

    @Test
    void aDryRunIsLoggedAndPrintedAsPlannedNotAsSucceeded() throws Exception {
        Path marker = temp.resolve("changed");
        Path alert = temp.resolve("alert.yaml");
        Files.writeString(alert, "labels: {alertname: Wedged, instance: \"web-7:9100\"}\n");

        int exit = QuenchMain.run("run", "wedged", "--runbooks", runbooks(marker).toString(), "--alert", alert.toString(),
                "--dry-run");

        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(log).isZero();
        assertThat(log).containsPattern("dry run [0-9a-f-]{36} of wedged planned").doesNotContain("succeeded");
        assertThat(output()).endsWith("result: planned\n").doesNotContain("succeeded");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aRealRunRunsLocallyRecordsTheRunAndExits1WhenItFails() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path marker = temp.resolve("cleaned-up");
        Files.writeString(runbooks.resolve("local.yaml"), """
                name: local
                params:
                  code: {required: true}
                steps:
                  - id: work
                    uses: shell.exec
                    with: {command: 'echo working; exit ${{ params.code }}'}
                finally:
                  - id: cleanup
                    uses: shell.exec
                    with: {command: touch %s}
                """.formatted(marker));
        Path data = temp.resolve("data");

        assertThat(QuenchMain.run("run", "local", "--runbooks", runbooks.toString(), "--param", "code=0",
                "--data", data.toString())).isZero();
        assertThat(output()).contains("run ").contains(": SUCCEEDED").contains("step 1 work (shell.exec): succeeded")
                .contains("| working");
        assertThat(marker).exists();

        assertThat(QuenchMain.run("run", "local", "--runbooks", runbooks.toString(), "--param", "code=3",
                "--data", data.toString())).isEqualTo(1);
        assertThat(output()).contains(": FAILED").contains("step 'work' (shell.exec) failed: command exited with code 3");
        assertThat(QuenchMain.run("runs", "list", "--data", data.toString())).isZero();
        assertThat(output()).contains("failed").contains("succeeded");
    }

    @Test
    void anUnknownRunbookOrAMissingParamIsAUsageErrorThatSaysWhatToDo() throws Exception {
        Path runbooks = runbooks(temp.resolve("m"));

        assertThat(QuenchMain.run("run", "wedge", "--runbooks", runbooks.toString(), "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no runbook named 'wedge'")
                .contains("did you mean 'wedged'?");
        assertThat(QuenchMain.run("run", "wedged", "--runbooks", runbooks.toString(), "--param", "servce=x",
                "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("runbook 'wedged' has no param 'servce'");
    }

    @Test
    void aSiteParamComesFromTheConfigAndSettingItWithParamIsAUsageErrorThatRunsNothing() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Path marker = temp.resolve("probed");
        Files.writeString(runbooks.resolve("probe.yaml"), """
                name: probe
                params:
                  healthUrls: {type: map, site: true, default: {web: "http://127.0.0.1/health"}}
                  service: {default: web}
                steps:
                  - id: probe
                    uses: shell.exec
                    with: {command: "echo ${{ params.healthUrls[params.service] }} > %s"}
                """.formatted(marker));
        // The site writes the map as YAML: quench.yaml params take any shape, a map param reads it.
        Path config = Files.writeString(temp.resolve("quench.yaml"), """
                params:
                  probe:
                    healthUrls: {web: "http://10.0.0.7/health"}
                """);
        Path data = temp.resolve("data");

        int refused = QuenchMain.run("run", "probe", "--runbooks", runbooks.toString(), "--config", config.toString(),
                "--param", "healthUrls={\"web\": \"http://169.254.169.254/\"}", "--data", data.toString());

        assertThat(refused).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("quench: runbook 'probe': param 'healthUrls' is site "
                + "configuration (site: true), which a run request cannot set");
        assertThat(marker).doesNotExist();
        assertThat(data).doesNotExist();

        assertThat(QuenchMain.run("run", "probe", "--runbooks", runbooks.toString(), "--config", config.toString(),
                "--param", "service=web", "--data", data.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readString(marker)).isEqualTo("http://10.0.0.7/health\n");
    }
}
