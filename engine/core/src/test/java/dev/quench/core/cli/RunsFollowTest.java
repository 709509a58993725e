package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quench runs follow ID} prints a run's events like {@code tail -f} and exits with the run's
 * outcome; {@code quench run NAME --server URL} shows them while it waits.
 */
class RunsFollowTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void followPrintsStepsAndLinesAsTheyComeAndExitsWithTheRunsOutcome() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("countdown.yaml"), """
                name: countdown
                steps:
                  - id: count
                    uses: shell.exec
                    with: {command: "for i in 1 2 3; do echo count $i; sleep 0.3; done; printf '\\\\033[2Jwarn\\\\n' >&2; exit 3"}
                """);
        Files.writeString(runbooks.resolve("hello.yaml"), """
                name: hello
                steps:
                  - id: say
                    uses: shell.exec
                    with: {command: "echo hello; sleep 0.5; echo bye"}
                """);
        try (EngineHarness engine = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            String url = "http://127.0.0.1:" + engine.engine().port();
            String token = temp.resolve("data").resolve("quench.token").toString();
            String id = start(engine, "countdown");

            int exit = QuenchMain.run("runs", "follow", id, "--server", url, "--token-file", token);

            assertThat(exit).as(stdout.text()).isEqualTo(1);
            assertThat(stdout.text()).contains("--> count (shell.exec)\ncount 1\ncount 2\ncount 3\n")
                    .contains("<-- count failed (exit 3): command exited with code 3")
                    .contains("run " + id + " failed: step 'count' (shell.exec) failed: command exited with code 3; "
                            + "stderr:")
                    .doesNotContain("\u001b");

            // A run that ended before following began: its end is replayed, exit 0.
            String hello = start(engine, "hello");
            engine.awaitRuns(java.time.Duration.ofSeconds(30));
            stdout.reset();
            assertThat(QuenchMain.run("runs", "follow", hello, "--server", url, "--token-file", token)).isZero();
            assertThat(stdout.text()).contains("hello\nbye\n").contains("run " + hello + " succeeded");

            stdout.reset();
            assertThat(QuenchMain.run("runs", "follow", "no-such-run", "--server", url, "--token-file", token))
                    .isEqualTo(1);

            // quench run --server shows the events while it waits.
            stdout.reset();
            assertThat(QuenchMain.run("run", "hello", "--server", url, "--token-file", token)).isZero();
            assertThat(stdout.text()).contains("--> say (shell.exec)\nhello\nbye\n<-- say succeeded (exit 0)")
                    .contains("the whole record: quench runs show ");
        }
    }

    private static String start(EngineHarness engine, String runbook) throws Exception {
        HttpResponse<String> started = engine.post("/api/v1/runs",
                ("{\"runbook\": \"" + runbook + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return Json.json().readTree(started.body()).path("id").asText();
    }
}
