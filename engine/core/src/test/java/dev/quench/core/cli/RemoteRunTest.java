package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench run NAME --server URL}: the run happens in the engine, recorded as manual with who asked. */
class RemoteRunTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void aRunStartedThroughTheServerIsRecordedThereAsManualWithWhoAskedAndPrinted() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("greet.yaml"), """
                name: greet
                owner: test-team
                params:
                  who: {type: string, required: true}
                  times: {type: int, default: 1}
                steps:
                  - id: say
                    uses: shell.exec
                    with: {command: "echo hello ${{ params.who }} ${{ params.times }}"}
                """);
        try (EngineHarness engine = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            String url = "http://127.0.0.1:" + engine.engine().port();
            String token = temp.resolve("data").resolve("quench.token").toString();

            int exit = QuenchMain.run("run", "greet", "--server", url, "--token-file", token,
                    "--param", "who=ops team", "--param", "times=2");

            assertThat(exit).as(stdout.text()).isZero();
            assertThat(stdout.text()).contains("succeeded").contains("hello ops team 2");
            RunRecord run = engine.awaitRuns(Duration.ofSeconds(30)).getFirst();
            assertThat(run.triggerType()).isEqualTo(TriggerType.MANUAL);
            assertThat(run.triggerDetail()).isEqualTo("by admin");
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);

            stdout.reset();
            assertThat(QuenchMain.run("run", "greet", "--server", url, "--token-file", token, "--param", "times=x"))
                    .as("a bad param is refused by the engine, and nothing runs").isEqualTo(2);
            assertThat(QuenchMain.run("run", "nope", "--server", url, "--token-file", token)).isEqualTo(2);
            assertThat(engine.awaitRuns(Duration.ofSeconds(30))).hasSize(1);
        }
    }
}
