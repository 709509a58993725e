package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.cli.QuenchMain;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.ListeningSockets;
import dev.quench.core.testing.ServeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quench serve} as README starts it listens on its HTTP port and nothing else (the embedded
 * store has no TCP server), keeps its data directory to its own user, and the CLI still reads the
 * history of a running engine ({@code --data DIR} goes through its API) and of a stopped one.
 */
class PrivateStoreTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void serveListensOnOneSocketKeepsItsDataDirectoryPrivateAndTheCliStillReadsIt() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fix.yaml"), """
                name: fix
                owner: storage-team
                toil: {manualMinutes: 10}
                triggers:
                  alert:
                    matchers: ['alertname="DiskSpaceLow"']
                steps:
                  - id: work
                    uses: shell.exec
                    with: {command: echo fixed}
                """);
        Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {port: 0}
                ingest: {journal: true}
                """);
        // An install from before: the data directory and its token readable by everyone.
        Path data = Files.createDirectory(temp.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(data.resolve("quench.token"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(data.resolve("quench.token"), PosixFilePermissions.fromString("rw-r--r--"));

        try (ServeProcess serve = ServeProcess.start(temp, temp.resolve("serve.log"), "serve", "--config",
                temp.resolve("quench.yaml").toString())) {
            String token = Files.readString(data.resolve("quench.token")).strip();
            assertThat(serve.post("/hooks/alertmanager", token, """
                    {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                      "labels": {"alertname": "DiskSpaceLow", "instance": "web-1"}, "fingerprint": "fp-1",
                      "startsAt": "2026-11-21T10:00:00Z"}]}""".getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(202);
            awaitRunSucceeded(serve, token);

            assertThat(ListeningSockets.ofProcess(serve.pid())).as("listening TCP ports of quench serve")
                    .containsExactly(serve.port());
            assertThat(serve.output())
                    .contains("WARN")
                    .contains("data directory " + data.toRealPath() + " was open to other users")
                    .contains(". rwxr-xr-x -> rwx------")
                    .contains("quench.token rw-r--r-- -> rw-------");
            assertThat(modes(data)).as("modes in the data directory of a running engine")
                    .allSatisfy((path, mode) -> assertThat(mode).as(path)
                            .isEqualTo(Files.isDirectory(data.resolve(path)) ? "rwx------" : "rw-------"))
                    .containsKeys("quench.mv.db", "quench.token", "quench.url", "journal");

            // The store is open in the engine only: --data reads it through the engine's API.
            assertThat(QuenchMain.run("runs", "list", "--data", data.toString())).as(stdout.text()).isZero();
            assertThat(stdout.text()).contains("fix").contains("succeeded");
            assertThat(QuenchMain.run("toil", "report", "--data", data.toString(), "--by", "team"))
                    .as(stdout.text()).isZero();
            assertThat(stdout.text()).contains("storage-team");

            // Without the engine's address (an engine that could not write it), one clear line says what to do.
            Files.move(data.resolve("quench.url"), temp.resolve("quench.url.aside"));
            Path listLog = temp.resolve("list.log");
            assertThat(ServeProcess.runToEnd(temp, listLog, Duration.ofSeconds(60), "runs", "list", "--data",
                    data.toString())).isEqualTo(1);
            assertThat(Files.readString(listLog)).isEqualTo("quench: the store in " + data.toAbsolutePath()
                    + " is open in another process (a running 'quench serve'): pass --server URL\n");
            Files.move(temp.resolve("quench.url.aside"), data.resolve("quench.url"));

            serve.terminate();
        }

        assertThat(data.resolve("quench.url")).doesNotExist();
        assertThat(modes(data)).as("modes in the data directory of a stopped engine")
                .allSatisfy((path, mode) -> assertThat(mode).as(path)
                        .isEqualTo(Files.isDirectory(data.resolve(path)) ? "rwx------" : "rw-------"));
        // Stopped: read directly.
        assertThat(QuenchMain.run("runs", "list", "--data", data.toString())).as(stdout.text()).isZero();
        assertThat(stdout.text()).contains("fix");
    }

    private static void awaitRunSucceeded(ServeProcess serve, String token) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!serve.get("/api/v1/runs", token).body().contains("\"succeeded\"")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no succeeded run: " + serve.get("/api/v1/runs", token).body()
                        + "\n" + serve.output());
            }
            Thread.sleep(100);
        }
    }

    /** Every entry below {@code directory} (and "." for itself) with its permissions, like {@code ls -l}. */
    private static Map<String, String> modes(Path directory) throws Exception {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.toList()) {
                modes.put(path.equals(directory) ? "." : directory.relativize(path).toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return modes;
    }
}
