package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quench's own disk fills up (its data directory on an 8 MB tmpfs that a filler file fills): intake
 * answers 503 with Retry-After and never 202 for an alert it could not store, what was stored stays
 * stored and readable, and intake recovers by itself once the filler is deleted. Needs root to mount
 * the tmpfs: skipped otherwise, failed under CI=true.
 */
class DiskFullIT {

    @TempDir
    Path temp;

    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createDirectory(temp.resolve("small"));
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "mounting a tmpfs needs root (run the build as root, or in a container with CAP_SYS_ADMIN)";
        } else {
            Process process = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                why = "mount -t tmpfs failed: " + output.strip();
            }
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("DiskFullIT must run in CI: " + why);
            }
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        Process process = new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static byte[] alert(String name) {
        return """
                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                  "labels": {"alertname": "DiskSpaceLow", "instance": "%s", "padding": "%s"}, "fingerprint": "fp-%1$s",
                  "startsAt": "2026-11-21T10:00:00Z"}]}""".formatted(name, "x".repeat(2000))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code file} until the file system says it is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    @ParameterizedTest(name = "ingest.journal: {0}")
    @ValueSource(booleans = {false, true})
    void aFullDataDiskAnswers503KeepsWhatWasStoredAndRecoversWhenSpaceReturns(boolean journal) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("fix.yaml"), """
                name: fix
                triggers:
                  alert:
                    matchers: ['alertname="DiskSpaceLow"', 'instance=~"before.*"']
                steps:
                  - id: work
                    uses: shell.exec
                    with: {command: echo fixed}
                """);
        Path data = mount.resolve("data");
        QuenchConfig config = EngineHarness.config(data, runbooks)
                .withSections(Map.of("ingest", Json.yaml().readTree("journal: " + journal)));
        List<String> accepted = new ArrayList<>();
        Path filler = mount.resolve("filler");
        int refused = 0;
        long storedWhileServing;
        try (EngineHarness harness = EngineHarness.start(config)) {
            assertThat(harness.post("/hooks/alertmanager", alert("before-1")).statusCode()).isEqualTo(202);
            accepted.add("before-1");
            List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
            assertThat(runs).extracting(RunRecord::status).containsExactly(RunStatus.SUCCEEDED);

            fill(filler);
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> response = harness.post("/hooks/alertmanager", alert("full-" + i));
                if (response.statusCode() == 202) {
                    accepted.add("full-" + i);
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    refused++;
                }
            }
            assertThat(refused).as("deliveries refused with 503 while the disk was full").isPositive();

            Files.delete(filler);
            Instant deadline = Instant.now().plusSeconds(60);
            int status;
            do {
                status = harness.post("/hooks/alertmanager", alert("after-1")).statusCode();
                if (status != 202) {
                    Thread.sleep(500);
                }
            } while (status != 202 && Instant.now().isBefore(deadline));
            assertThat(status).as("a delivery once space returned").isEqualTo(202);
            accepted.add("after-1");
            harness.awaitIngested(Duration.ofSeconds(60));
            assertThat(harness.engine().store().runs().list(null, "fix", 10)).hasSize(1);
            storedWhileServing = harness.engine().store().alerts().count();
        }

        // Reopened from the file: nothing is corrupted, and it holds what the engine said it held.
        try (Store store = Store.open(config.storeUrl(), "sa", "")) {
            assertThat(store.alerts().count()).isEqualTo(storedWhileServing);
            List<String> stored = store.alerts().list(AlertQuery.newest(1000)).stream()
                    .map(alert -> alert.alert().fingerprint()).toList();
            assertThat(stored).as("every alert answered 202 is stored").containsAll(
                    accepted.stream().map(name -> "fp-" + name).toList());
            assertThat(store.runs().list(null, "fix", 10)).extracting(RunRecord::status)
                    .containsExactly(RunStatus.SUCCEEDED);
        }
    }
}
