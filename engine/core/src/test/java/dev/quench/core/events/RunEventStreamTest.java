package dev.quench.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event streams of a real engine with real local commands: lines arrive as they are printed, a
 * resume reads only what came after, secrets are masked, a flood is bounded, a reader that reads nothing
 * holds up no run, and a stream is refused what a token may not see.
 */
class RunEventStreamTest {

    private static final String SECRET = "s3cr3t-t0ken-value-42";

    @TempDir
    Path temp;

    private EngineHarness harness;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        // bash's clock is read without starting a process, so the time is taken right before the line is written.
        runbook(runbooks, "ticker", "exec bash -c 'for i in 1 2 3 4 5; do sleep 1; echo \"tick ${EPOCHREALTIME/./}\"; done'");
        runbook(runbooks, "quick", "for i in 1 2 3 4 5; do echo line$i; done; sleep 0.3; echo oops >&2");
        runbook(runbooks, "leaky", "echo token is ${{ secrets.api_token }}; echo also ${{ secrets.api_token }} >&2");
        runbook(runbooks, "flood", "seq 1 200000");
        runbook(runbooks, "wide", "i=0; while [ $i -lt 1500 ]; do printf '%01500d\\n' $i; i=$((i+1)); done");
        Files.writeString(runbooks.resolve("gated.yaml"), "name: gated\napproval: {required: true, timeout: 1h}\n"
                + "steps:\n  - {id: main, uses: shell.exec, with: {command: \"echo approved\"}}\n");
        Files.writeString(runbooks.resolve("db-vacuum.yaml"), "name: db-vacuum\nowner: db-team\n"
                + "steps:\n  - {id: main, uses: shell.exec, with: {command: \"echo vacuumed\"}}\n");
        Files.writeString(temp.resolve("token.txt"), SECRET + "\n");
        Path file = Files.writeString(temp.resolve("quench.yaml"), "secrets:\n  api_token: {file: token.txt}\n");
        QuenchConfig config = ConfigLoader.load(file, temp.resolve("data"))
                .withHost("127.0.0.1").withPort(0).withRunbooks(runbooks);
        harness = EngineHarness.start(config);
        assertThat(harness.engine().runbooks().problems()).isEmpty();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aRunPrintingALineASecondStreamsEachLineBeforeTheNextIsPrinted() throws Exception {
        String id = startRun("ticker");
        List<Long> latencies = new ArrayList<>();
        try (SseClient stream = open("/api/v1/runs/" + id + "/events", null)) {
            assertThat(stream.status()).isEqualTo(200);
            for (SseClient.Received event : stream.untilClosed(Duration.ofSeconds(30))) {
                if (event.event().equals("stdout")) {
                    long printedMicros = Long.parseLong(event.data().path("line").asText().substring("tick ".length()));
                    Instant printed = Instant.ofEpochSecond(0, printedMicros * 1000);
                    latencies.add(Duration.between(printed, event.at()).toMillis());
                }
            }
        }
        assertThat(latencies).hasSize(5);
        // Streamed, not buffered: each line arrives before the next one is printed (a second later), even on a
        // loaded CI machine. The requirement, 200 ms, is met by the median (a few milliseconds on an idle machine);
        // the per-line figures under load are the events benchmark's (docs/benchmarks.md), not a unit test's.
        assertThat(latencies).allSatisfy(latency -> assertThat(latency).isBetween(-50L, 900L));
        assertThat(latencies.stream().sorted().toList().get(latencies.size() / 2)).isLessThanOrEqualTo(200L);
    }

    @Test
    void aStreamReadsStatusStepsLinesAndTheEndAndAResumeReadsOnlyWhatCameAfter() throws Exception {
        String id = startRun("quick");
        List<SseClient.Received> all;
        try (SseClient stream = open("/api/v1/runs/" + id + "/events", null)) {
            all = stream.untilClosed(Duration.ofSeconds(30));
        }
        assertThat(all).extracting(SseClient.Received::event).containsExactly("status", "step-started",
                "stdout", "stdout", "stdout", "stdout", "stdout", "stderr", "step-finished", "end");
        assertThat(all).extracting(SseClient.Received::id).containsExactly("1", "2", "3", "4", "5", "6", "7", "8",
                "9", "10");
        assertThat(all.get(2).data().path("line").asText()).isEqualTo("line1");
        assertThat(all.get(2).data().path("step").asText()).isEqualTo("main");
        assertThat(all.get(7).data().path("line").asText()).isEqualTo("oops");
        assertThat(all.get(8).data().path("status").asText()).isEqualTo("succeeded");
        assertThat(all.getLast().data().path("status").asText()).isEqualTo("succeeded");

        try (SseClient resumed = open("/api/v1/runs/" + id + "/events", "6")) {
            assertThat(resumed.untilClosed(Duration.ofSeconds(10))).extracting(SseClient.Received::id)
                    .containsExactly("7", "8", "9", "10");
        }
        // The stream of all runs numbers by engine and carries the run's id.
        try (SseClient engine = open("/api/v1/events", null)) {
            SseClient.Received first = engine.next(Duration.ofSeconds(5));
            assertThat(first.event()).isEqualTo("status");
            assertThat(first.data().path("runId").asText()).isEqualTo(id);
            assertThat(first.data().path("runbook").asText()).isEqualTo("quick");
        }
    }

    @Test
    void aRunWhoseEventsAreGoneStillEndsFromTheStoreAndBadRequestsAreRefused() throws Exception {
        String id = startRun("quick");
        harness.awaitRuns(Duration.ofSeconds(30));
        // Resuming past the end: nothing is left to replay but the end, which comes from the buffer.
        try (SseClient after = open("/api/v1/runs/" + id + "/events", "10")) {
            assertThat(after.untilClosed(Duration.ofSeconds(10))).isEmpty();
        }
        assertThat(harness.get("/api/v1/runs/no-such-run/events").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        harness.uri("/api/v1/runs/" + id + "/events")).header("Authorization", "Bearer "
                        + harness.engine().apiToken().value()).header("Last-Event-ID", "x1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid Last-Event-ID");
        try (SseClient anonymous = SseClient.open(harness.uri("/api/v1/events"), null, null)) {
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }

    @Test
    void aViewerScopedToATeamFollowsOnlyThatTeamsRuns() throws Exception {
        String dbViewer = harness.engine().store().tokens()
                .create("db-viewer", Role.VIEWER, "db-team", null, "test", Instant.now()).secret();
        String others = startRun("quick");
        String own = startRun("db-vacuum");
        // Every engine re-reads the tokens each second: wait until the new one is known.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (SseClient probe = SseClient.open(harness.uri("/api/v1/runs/" + own + "/events"), dbViewer, null)) {
                return probe.status() != 401;
            }
        });
        try (SseClient hidden = SseClient.open(harness.uri("/api/v1/runs/" + others + "/events"), dbViewer, null)) {
            assertThat(hidden.status()).isEqualTo(404);
        }
        try (SseClient visible = SseClient.open(harness.uri("/api/v1/runs/" + own + "/events"), dbViewer, null)) {
            assertThat(visible.status()).isEqualTo(200);
            assertThat(visible.untilClosed(Duration.ofSeconds(30))).extracting(SseClient.Received::event)
                    .contains("stdout").last().isEqualTo("end");
        }
        try (SseClient all = SseClient.open(harness.uri("/api/v1/events"), dbViewer, null)) {
            List<String> runs = new ArrayList<>();
            for (SseClient.Received event = all.next(Duration.ofSeconds(3)); event != null;
                    event = all.next(Duration.ofSeconds(3))) {
                runs.add(event.data().path("runId").asText());
            }
            assertThat(runs).isNotEmpty().containsOnly(own);
        }
    }

    @Test
    void aRunWaitingForApprovalShowsItsStatusThenItsStartOrItsRejectionWithinSeconds() throws Exception {
        String approved = startRun("gated");
        try (SseClient stream = open("/api/v1/runs/" + approved + "/events", null)) {
            SseClient.Received waiting = stream.next(Duration.ofSeconds(10));
            assertThat(waiting.event()).isEqualTo("status");
            assertThat(waiting.id()).as("read from the store, not published").isNull();
            assertThat(waiting.data().path("status").asText()).isEqualTo("awaiting_approval");

            assertThat(harness.post("/api/v1/runs/" + approved + "/approve",
                    "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            List<SseClient.Received> rest = stream.untilClosed(Duration.ofSeconds(30));
            assertThat(rest).extracting(SseClient.Received::event).contains("step-started", "stdout")
                    .last().isEqualTo("end");
            assertThat(rest.getLast().data().path("status").asText()).isEqualTo("succeeded");
        }

        String rejected = startRun("gated");
        try (SseClient stream = open("/api/v1/runs/" + rejected + "/events", null)) {
            assertThat(stream.next(Duration.ofSeconds(10)).data().path("status").asText()).isEqualTo("awaiting_approval");
            assertThat(harness.post("/api/v1/runs/" + rejected + "/reject",
                    "{\"reason\": \"not now\"}".getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(200);
            long before = System.nanoTime();
            List<SseClient.Received> rest = stream.untilClosed(Duration.ofSeconds(10));
            assertThat(rest).singleElement().satisfies(end -> {
                assertThat(end.event()).isEqualTo("end");
                assertThat(end.data().path("status").asText()).isEqualTo("rejected");
                assertThat(end.data().path("message").asText()).isEqualTo("rejected by admin: not now");
            });
            // Read from the store once a second, not at the 15 s heartbeat.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(3000);
        }
    }

    @Test
    void secretsAreMaskedInTheStreamExactlyAsInTheRunsHistory() throws Exception {
        String id = startRun("leaky");
        List<SseClient.Received> events;
        try (SseClient stream = open("/api/v1/runs/" + id + "/events", null)) {
            events = stream.untilClosed(Duration.ofSeconds(30));
        }
        List<String> lines = events.stream().filter(event -> event.event().matches("stdout|stderr"))
                .map(event -> event.data().path("line").asText()).toList();
        assertThat(lines).containsExactlyInAnyOrder("token is ***", "also ***");
        assertThat(events.toString()).doesNotContain(SECRET);
        RunRecord run = harness.run(id);
        assertThat(run.steps().getFirst().stdout()).isEqualTo("token is ***\n");
    }

    @Test
    void aFloodingRunIsBoundedAndTheStreamCountsWhatItLeftOut() throws Exception {
        String id = startRun("flood");
        List<SseClient.Received> events;
        try (SseClient stream = open("/api/v1/runs/" + id + "/events", null)) {
            events = stream.untilClosed(Duration.ofSeconds(60));
        }
        long lines = events.stream().filter(event -> event.event().equals("stdout")).count();
        long dropped = events.stream().filter(event -> event.event().equals("dropped"))
                .mapToLong(event -> event.data().path("count").asLong()).sum();
        EventLimits limits = EventLimits.DEFAULTS;
        // The burst plus the rate over the run's few seconds; never the 200,000 lines.
        assertThat(lines).isGreaterThanOrEqualTo(limits.lineBurst()).isLessThan(limits.lineBurst() + 10L * limits.linesPerSecond());
        assertThat(lines + dropped).isEqualTo(200_000);
        assertThat(events.getLast().event()).isEqualTo("end");
        assertThat(harness.run(id).status()).isEqualTo(RunStatus.SUCCEEDED);
    }

    @Test
    void aReaderThatReadsNothingHoldsUpNoRunAndLaterReadsWhatItLost() throws Exception {
        try (Socket stuck = new Socket()) {
            stuck.setReceiveBufferSize(4096);
            stuck.connect(new java.net.InetSocketAddress("127.0.0.1", harness.engine().port()), 5000);
            OutputStream request = stuck.getOutputStream();
            request.write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + harness.engine().apiToken().value() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            request.flush();
            // Three runs of 1,500 lines of 1.5 kB: 6.8 MB, far beyond what the socket and the reader's queue hold.
            long started = System.nanoTime();
            List<String> ids = List.of(startRun("wide"), startRun("wide"), startRun("wide"));
            harness.awaitRuns(Duration.ofSeconds(60));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            for (String id : ids) {
                assertThat(harness.run(id).status()).isEqualTo(RunStatus.SUCCEEDED);
            }
            assertThat(tookMillis).as("three runs with a reader that reads nothing").isLessThan(30_000);
            // Others are served meanwhile.
            assertThat(harness.get("/api/v1/runs").statusCode()).isEqualTo(200);

            stuck.setSoTimeout(10_000);
            InputStream in = stuck.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            StringBuilder tail = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean sawDropped = false;
            while (!sawDropped && System.nanoTime() < deadline) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                tail.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                sawDropped = tail.indexOf("event: dropped") >= 0;
                if (tail.length() > 100_000) {
                    tail.delete(0, tail.length() - 100_000);
                }
            }
            assertThat(sawDropped).as("a 'dropped' event once the reader reads again").isTrue();
        }
    }

    private SseClient open(String path, String lastEventId) throws Exception {
        return SseClient.open(harness.uri(path), harness.engine().apiToken().value(), lastEventId);
    }

    private String startRun(String runbook) throws Exception {
        HttpResponse<String> started = harness.post("/api/v1/runs",
                ("{\"runbook\": \"" + runbook + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode body = Json.json().readTree(started.body());
        return body.path("id").asText();
    }

    private static void runbook(Path directory, String name, String command) throws Exception {
        Files.writeString(directory.resolve(name + ".yaml"), "name: " + name + "\nsteps:\n  - id: main\n"
                + "    uses: shell.exec\n    with:\n      command: " + Json.json().writeValueAsString(command) + "\n"
                + "    timeout: 60s\n");
    }
}
