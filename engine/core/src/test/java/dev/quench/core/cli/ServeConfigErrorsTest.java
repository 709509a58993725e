package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench serve --config bad.yaml} stops before serving and says where the file is wrong and what to write. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeConfigErrorsTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void capture() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
    }

    private int serve(String yaml) throws Exception {
        Path config = temp.resolve("bad.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n" + yaml);
        Files.createDirectories(temp.resolve("runbooks"));
        return QuenchMain.run("serve", "--config", config.toString(), "--data", temp.resolve("data").toString(),
                "--runbooks", temp.resolve("runbooks").toString());
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "").strip();
    }

    @Test
    void anUnknownTopLevelKeyStopsServeWithItsPositionAndTheKeyMeant() throws Exception {
        assertThat(serve("shedule:\n  threads: 4\n")).isEqualTo(1);

        assertThat(error()).startsWith("quench: " + temp.resolve("bad.yaml") + ":2:1: shedule: unknown key — did you "
                + "mean 'schedule'? (quench.yaml takes ");
    }

    @Test
    void aMisspeltKeyStopsServeWithADidYouMean() throws Exception {
        assertThat(serve("executor:\n  maxConcurentRuns: 8\n")).isEqualTo(1);

        assertThat(error()).isEqualTo("quench: " + temp.resolve("bad.yaml") + ":3:3: executor.maxConcurentRuns: "
                + "unknown key — did you mean 'maxConcurrentRuns'? (executor takes maxConcurrentRuns, "
                + "maxQueuedPerRunbook, maxQueuedRuns, outputLimitBytes, shutdownGrace)");
    }

    @Test
    void aWrongTypeStopsServeSayingWhatWasExpected() throws Exception {
        assertThat(serve("executor:\n  maxConcurrentRuns: \"lots\"\n")).isEqualTo(1);

        assertThat(error()).isEqualTo("quench: " + temp.resolve("bad.yaml")
                + ":3:22: executor.maxConcurrentRuns: expected an integer, got \"lots\"");
        assertThat(temp.resolve("data")).doesNotExist();
    }
}
