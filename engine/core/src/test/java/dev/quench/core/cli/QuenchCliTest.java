package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code quench} commands as a user runs them: output and exit codes. */
class QuenchCliTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void validateReportsFileLineAndColumnAndExits1() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("bad.yaml"), """
                name: bad
                owner: team
                triggers:
                  alert:
                    matchers: ['severity=~"[unclosed"']
                steps:
                  - id: one
                    uses: shell.exec
                    with: {command: 'true'}
                """);

        int exit = QuenchMain.run("validate", runbooks.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(stdout.text()).contains(runbooks.resolve("bad.yaml") + ":5:").contains("regex");
    }

    @Test
    void validateAcceptsTheShippedRunbooks() {
        int exit = QuenchMain.run("validate", "../../runbooks");

        assertThat(exit).as(stdout.text()).isZero();
        assertThat(stdout.text()).contains("runbook(s) valid");
    }

    @Test
    void aMissingPathIsAUsageError() {
        assertThat(QuenchMain.run("validate", temp.resolve("nope").toString())).isEqualTo(2);
    }

    @Test
    void toilReportAndRunsReadTheDataDirectory() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("flush.yaml"), """
                name: cache-flush
                owner: platform-team
                toil: {manualMinutes: 12}
                triggers:
                  alert:
                    matchers: ['alertname="DiskSpaceLow"']
                steps:
                  - id: flush
                    uses: shell.exec
                    with: {command: echo flushed}
                """);
        Path data = temp.resolve("data");
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(data, runbooks))) {
            harness.post("/hooks/alertmanager",
                    EngineHarness.resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));
            harness.awaitRuns(Duration.ofSeconds(30));
        }

        assertThat(QuenchMain.run("toil", "report", "--data", data.toString(), "--by", "team")).isZero();
        assertThat(stdout.text()).contains("platform-team").containsPattern("platform-team\\s+2\\s+2\\s+0\\s+12\\s+0\\.2");

        stdout.reset();
        assertThat(QuenchMain.run("toil", "report", "--data", data.toString(), "--format", "csv")).isZero();
        assertThat(stdout.text()).contains("runbook,runs,succeeded,failed,minutes_saved,hours_saved")
                .contains("cache-flush,2,2,0,12,0.2"); // two runs of one Alertmanager group: one incident

        stdout.reset();
        assertThat(QuenchMain.run("runs", "list", "--data", data.toString())).isZero();
        assertThat(stdout.text()).contains("cache-flush").contains("succeeded");
    }

    @Test
    void aBadOptionValueIsAUsageError() {
        assertThat(QuenchMain.run("toil", "report", "--data", temp.toString(), "--by", "planet")).isEqualTo(2);
    }

    @Test
    void withoutTheDemoModuleThereIsNoDemoCommandAndTheRestWorks() {
        // engine/demo registers `quench demo` through ServiceLoader; the core alone does not have it.
        assertThat(QuenchMain.run("demo")).isEqualTo(2);

        assertThat(QuenchMain.run("--help")).isZero();
        assertThat(stdout.text()).contains("validate").contains("help").doesNotContainPattern("(?m)^\\s+demo\\b");
    }
}
