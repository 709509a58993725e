package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench schedules} against a running engine and against its data directory. */
class SchedulesCommandTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void showsEachScheduleWithItsNextFiresFromTheServerAndFromTheDataDirectory() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("prune.yaml"), """
                name: prune-logs
                triggers:
                  schedule: {cron: "0 30 3 * * ?", timezone: Europe/Berlin, misfire: skip}
                steps:
                  - id: prune
                    uses: shell.exec
                    with: {command: echo pruned}
                """);
        Path data = temp.resolve("data");
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(data, runbooks))) {
            assertThat(QuenchMain.run("schedules", "--server", harness.uri("/").toString(),
                    "--token-file", data.resolve("quench.token").toString())).isZero();
            assertThat(stdout.text()).containsPattern("RUNBOOK\\s+CRON\\s+TIMEZONE\\s+MISFIRE\\s+MISFIRES\\s+LAST\\s+NEXT FIRES")
                    .containsPattern("prune-logs\\s+0 30 3 \\* \\* \\?\\s+Europe/Berlin\\s+skip\\s+0\\s+-\\s+"
                            + "\\d{4}-\\d\\d-\\d\\dT0[12]:30:00Z, \\S+, \\S+");
        }

        stdout.reset();
        assertThat(QuenchMain.run("schedules", "--data", data.toString(), "--format", "json")).isZero();
        assertThat(stdout.text()).contains("\"runbook\" : \"prune-logs\"").contains("\"misfire\" : \"skip\"")
                .contains("\"nextFires\" : [");
    }
}
