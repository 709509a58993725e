package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.cli.QuenchMain;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.Store;
import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench run NAME} on the engine's store obeys the same guards and the kill switch. */
class LocalGuardsTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void aLocalRunIsRefusedByTheGuardsAndByThePause() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("once.yaml"), """
                name: once-an-hour
                guards: {maxRunsPerHour: 1}
                steps:
                  - {id: work, uses: shell.exec, with: {command: "echo working"}}
                """);
        Path data = temp.resolve("data");
        String[] run = {"run", "once-an-hour", "--runbooks", runbooks.toString(), "--data", data.toString()};

        assertThat(QuenchMain.run(run)).isZero();
        assertThat(QuenchMain.run(run)).isEqualTo(1);
        assertThat(stdout.text()).contains(": REFUSED")
                .contains("maxRunsPerHour 1: 1 run(s) of once-an-hour started in the last hour");

        QuenchConfig config = QuenchConfig.defaults(data);
        try (Store store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword())) {
            new KillSwitch(store.switches(), Clock.systemUTC()).set(true, "dave", "incident");
        }
        assertThat(QuenchMain.run("run", "once-an-hour", "--runbooks", runbooks.toString(), "--data", data.toString(),
                "--dry-run")).as("a dry run changes nothing: allowed while paused").isZero();
        assertThat(QuenchMain.run(run)).as("paused: refused before anything is recorded").isEqualTo(1);
        try (Store store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword())) {
            assertThat(store.runs().list(null, null, 10)).hasSize(2);
        }
    }
}
