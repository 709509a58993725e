package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.TerminalText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Alert data printed by the CLI cannot drive the operator's terminal. */
class TerminalTextTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void controlAndBidiCharactersAreShownAsEscapes() {
        assertThat(TerminalText.escape("a\u001b[2Jb\rc\nd\te\u0000f\u0007g\u007fh\u009bi\u202ej\u2066k"))
                .isEqualTo("a\\e[2Jb\\rc\\nd\\te\\0f\\x07g\\x7fh\\x9bi\\u202ej\\u2066k");
        assertThat(TerminalText.escape("df -h /var | grep '\\d' — ünïcode 日本")).isEqualTo("df -h /var | grep '\\d' — ünïcode 日本");
    }

    @Test
    void alertLabelsWithTerminalControlSequencesArePrintedEscapedByRunsListAndShow() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("echo.yaml"), """
                name: echo-instance
                owner: platform-team
                triggers:
                  alert:
                    matchers: ['job="spoof"']
                steps:
                  - id: say
                    uses: shell.exec
                    with:
                      command: echo ${{ alert.labels.instance }}
                """);
        String hostile = """
                {"version": "4", "status": "firing", "receiver": "quench", "groupKey": "{}",
                 "alerts": [{"status": "firing", "fingerprint": "0badc0de",
                   "labels": {"alertname": "Disk\\u001b[2JLow", "job": "spoof", "instance": "web-7\\rall fine\\u202e"},
                   "startsAt": "2026-11-20T02:58:14.117Z"}]}
                """;
        Path data = temp.resolve("data");
        List<RunRecord> runs;
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(data, runbooks))) {
            assertThat(harness.post("/hooks/alertmanager", hostile.getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(202);
            runs = harness.awaitRuns(Duration.ofSeconds(30));
        }

        assertThat(QuenchMain.run("runs", "list", "--data", data.toString())).isZero();
        assertThat(stdout.text()).contains("alert: Disk\\e[2JLow web-7\\rall fine\\u202e [0badc0de]")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202e");

        stdout.reset();
        assertThat(QuenchMain.run("runs", "show", runs.getFirst().id(), "--data", data.toString())).isZero();
        assertThat(stdout.text()).contains("trigger:  alert Disk\\e[2JLow web-7\\rall fine\\u202e [0badc0de]")
                .contains("command: echo 'web-7\\rall fine\\u202e'")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202e");
    }
}
