package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.ServeProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data DIR} beats the config file's {@code data:} and embedded {@code store.url}, as README says. */
class DataFlagTest {

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
    }

    /** A config whose data directory and store are those of a "live" server in {@code live}. */
    private Path liveServerConfig(Path live, Path runbooks) throws Exception {
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0}
                data: %s
                store: {url: "jdbc:h2:file:%s/quench"}
                runbooks: %s
                """.formatted(live, live, runbooks));
        return config;
    }

    private Path runbooks() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("local.yaml"), """
                name: local
                steps:
                  - id: work
                    uses: shell.exec
                    with: {command: echo working}
                """);
        return runbooks;
    }

    @Test
    void dataFlagOverridesTheConfigFileForRun() throws Exception {
        Path live = temp.resolve("live");
        Path mine = temp.resolve("mine");
        Path config = liveServerConfig(live, runbooks());

        assertThat(QuenchMain.run("run", "local", "--config", config.toString(), "--data", mine.toString())).isZero();

        assertThat(mine.resolve("quench.mv.db")).exists();
        assertThat(live.resolve("quench.mv.db")).doesNotExist();
        assertThat(QuenchMain.run("runs", "list", "--data", mine.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("local").contains("succeeded");
    }

    @Test
    void dataFlagOverridesTheConfigFileForServe() throws Exception {
        Path live = temp.resolve("live");
        Path mine = temp.resolve("mine");
        Path config = liveServerConfig(live, runbooks());

        try (ServeProcess serve = ServeProcess.start(temp, temp.resolve("serve.log"), "serve", "--config",
                config.toString(), "--data", mine.toString())) {
            assertThat(serve.output()).contains("store:    jdbc:h2:file:" + mine.toAbsolutePath());
            assertThat(mine.resolve("quench.mv.db")).exists();
            assertThat(mine.resolve("quench.token")).exists();
            assertThat(live).doesNotExist();

            // A local run on the data directory of that serving engine is refused at once, saying what to do.
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream originalErr = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                assertThat(QuenchMain.run("run", "local", "--runbooks", temp.resolve("runbooks").toString(),
                        "--data", mine.toString())).isEqualTo(1);
            } finally {
                System.setErr(originalErr);
            }
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("quench: the store in " + mine.toAbsolutePath()
                    + " is open in a running 'quench serve' (http://127.0.0.1:" + serve.port() + "): run the runbook "
                    + "there with --server URL (its guards and history apply), or give this run a data directory of "
                    + "its own with --data DIR" + System.lineSeparator());
        }
    }
}
