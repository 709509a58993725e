package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EngineHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs screen and the run detail over HTTP, without a browser, on a real engine: filters and pages, a
 * team-scoped viewer's view (another team's run is a 404 page without its data), escaping, and Cancel (the
 * API's cancel, audited as {@code run.cancel}; refused to a viewer and without the CSRF token).
 */
class RunsScreenTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @TempDir
    static Path temp;

    private static EngineHarness quench;
    private static ConsoleHttp http;
    private static String admin;
    private static String webViewer;
    private static String viewer;

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("gated-clean.yaml"), """
                name: gated-clean
                owner: storage-team
                approval: required
                steps:
                  - {id: clean, uses: shell.exec, with: {command: "echo clean"}}
                """);
        Files.writeString(runbooks.resolve("two-steps.yaml"), """
                name: two-steps
                owner: web-team
                steps:
                  - {id: first, uses: shell.exec, with: {command: "echo first-step-line-1; echo first-step-line-2"}}
                  - {id: second, uses: shell.exec, with: {command: "echo second-step-started; sleep 60"}, timeout: 2m}
                """);
        Files.writeString(runbooks.resolve("web-restart.yaml"), """
                name: web-restart
                owner: web-team
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        http = new ConsoleHttp(quench);
        Store store = quench.engine().store();
        for (int i = 0; i < 6; i++) {
            boolean web = i % 2 == 0;
            store.runs().insertQueued(new RunRecord(String.format("hist-%02d", i), web ? "web-restart" : "disk-clean",
                    web ? "web-team" : "storage-team", web ? TriggerType.ALERT : TriggerType.MANUAL, "by test", null,
                    RunStatus.QUEUED, false, Map.of("marker", web ? "web-marker" : "storage-only-marker",
                    "html", "<script>alert(1)</script>"), 5, 0, "", NOW.minus(100 - i, ChronoUnit.DAYS), null, null,
                    List.of()));
            String id = String.format("hist-%02d", i);
            store.useTransaction(transaction -> store.runs().finishUnstarted(transaction, id, RunStatus.SUCCEEDED, "",
                    NOW.minus(99, ChronoUnit.DAYS)));
        }
        webViewer = store.tokens().create("web-viewer", Role.VIEWER, "web-team", List.of(), null, "test", NOW).secret();
        viewer = store.tokens().create("plain-viewer", Role.VIEWER, null, List.of(), null, "test", NOW).secret();
        admin = session(quench.engine().apiToken().value());
        // The token directory refreshes in the background: wait until the new tokens sign in.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signIn(webViewer).statusCode() == 303);
    }

    @AfterAll
    static void stop() {
        quench.close();
    }

    @Test
    void theFilterIsAGetFormWhoseValuesComeBackAndWhosePagesCarryIt() throws Exception {
        HttpResponse<String> page = get("/runs?runbook=disk-clean&trigger=manual&since=120d&limit=2", admin);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form class=\"filters\" method=\"get\" action=\"/runs\">",
                "<option value=\"manual\" selected>", "value=\"120d\"", row("hist-05"), row("hist-03"))
                .doesNotContain(row("hist-04"), row("hist-01"));
        Matcher next = Pattern.compile("href=\"(/runs\\?runbook=disk-clean&amp;trigger=manual&amp;since=120d&amp;limit=2&amp;before=[^\"]+)\"")
                .matcher(page.body());
        assertThat(next.find()).as("an older-runs link carrying the filter").isTrue();
        HttpResponse<String> older = get(next.group(1).replace("&amp;", "&"), admin);
        assertThat(older.body()).contains(row("hist-01")).doesNotContain(row("hist-05"), row("hist-03"), "rel=\"next\"");
    }

    @Test
    void aBadFilterShowsTheFormWithWhyAndNoRuns() throws Exception {
        HttpResponse<String> page = get("/runs?trigger=cron", admin);

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("trigger must be alert, manual or schedule, was 'cron'")
                .doesNotContain("<tr id=\"run-");
    }

    @Test
    void aTeamViewerSeesOnlyItsTeamsRunsAndAnotherTeamsRunIsANotFoundPageWithoutItsData() throws Exception {
        String session = session(webViewer);

        assertThat(get("/runs", session).body()).contains(row("hist-04"), row("hist-02"))
                .doesNotContain(row("hist-05"), row("hist-03"));
        HttpResponse<String> other = get("/runs/hist-05", session);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("No such run").doesNotContain("storage-only-marker", "disk-clean");
        assertThat(get("/runs/hist-05/body", session).statusCode()).isEqualTo(404);
        assertThat(get("/runs/live?id=hist-05&id=hist-04", session).body()).contains(row("hist-04"))
                .doesNotContain("hist-05");
        assertThat(get("/runs/hist-05/events", session).statusCode()).isEqualTo(404);
        HttpResponse<String> refused = get("/runs?team=storage-team", session);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("limited to team 'web-team'");
        assertThat(get("/runs/hist-04", session).body()).contains("web-marker");
    }

    @Test
    void theDetailEscapesWhatTheRunRecordedAndOffersNoCancelForAFinishedRun() throws Exception {
        HttpResponse<String> page = get("/runs/hist-05", admin);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "storage-only-marker", "succeeded")
                .doesNotContain("<script>alert(1)", "cancel-run", "sse-connect");
    }

    @Test
    void anOperatorCancelsAWaitingRunThroughTheApisCancelAndAViewerOrAForgedPostCannot() throws Exception {
        HttpResponse<String> started = CLIENT.send(HttpRequest.newBuilder(quench.uri("/api/v1/runs"))
                .header("Authorization", "Bearer " + quench.engine().apiToken().value())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runbook\": \"gated-clean\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String id = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(started.body())
                .path("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> quench.engine().store().runs().find(id)
                .map(run -> run.status() == RunStatus.AWAITING_APPROVAL).orElse(false));
        String viewerSession = session(viewer);

        assertThat(get("/runs/" + id, viewerSession).body()).as("a viewer gets no button").doesNotContain("cancel-run");
        assertThat(post("/runs/" + id + "/cancel", viewerSession, csrf(viewerSession), "looks odd").statusCode())
                .isEqualTo(403);
        assertThat(post("/runs/" + id + "/cancel", admin, null, "no csrf").statusCode()).isEqualTo(403);
        assertThat(quench.engine().store().runs().find(id).orElseThrow().status()).isEqualTo(RunStatus.AWAITING_APPROVAL);

        assertThat(get("/runs/" + id, admin).body()).contains("id=\"cancel-run\"",
                "sse-connect=\"/runs/" + id + "/events?lastEventId=0\"");
        HttpResponse<String> cancelled = post("/runs/" + id + "/cancel", admin, csrf(admin), "wrong host");

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(303);
        assertThat(cancelled.headers().firstValue("Location")).hasValue("/runs/" + id);
        RunRecord run = quench.engine().store().runs().find(id).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.message()).isEqualTo("cancelled by admin: wrong host");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                quench.engine().store().audit().list(null, "run.cancel", Instant.EPOCH, 100))
                .extracting(AuditEntry::actor, AuditEntry::outcome, AuditEntry::target)
                .contains(org.assertj.core.groups.Tuple.tuple("admin", "ok", "run " + id),
                        org.assertj.core.groups.Tuple.tuple("plain-viewer", "forbidden", "run " + id)));
        assertThat(post("/runs/" + id + "/cancel", admin, csrf(admin), "again").statusCode())
                .as("a finished run cannot be cancelled: 409 with why").isEqualTo(409);
    }

    @Test
    void theRunsListPollsOnceForItsUnfinishedRowsAndStopsWhenTheyHaveFinished() throws Exception {
        String first = startRun("gated-clean");
        String second = startRun("gated-clean");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> List.of(first, second).stream().allMatch(id ->
                quench.engine().store().runs().find(id).map(run -> run.status() == RunStatus.AWAITING_APPROVAL)
                        .orElse(false)));
        String page = get("/runs?runbook=gated-clean", admin).body();
        assertThat(page).contains(row(first), row(second)).doesNotContain("/row\"");
        Matcher polls = Pattern.compile("hx-get=\"(/runs/live\\?[^\"]*)\" hx-trigger=\"every 2s\"").matcher(page);
        assertThat(polls.find()).as("one poll for the page: %s", page).isTrue();
        String poll = polls.group(1).replace("&amp;", "&");
        assertThat(poll).contains("id=" + first, "id=" + second);
        assertThat(polls.find()).as("only one").isFalse();

        HttpResponse<String> live = get(poll, admin);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains(row(first) + " class=\"run-row\" hx-swap-oob=\"true\"",
                row(second) + " class=\"run-row\" hx-swap-oob=\"true\"", "awaiting approval", "every 2s");

        post("/runs/" + first + "/cancel", admin, csrf(admin), "test over");
        post("/runs/" + second + "/cancel", admin, csrf(admin), "test over");
        HttpResponse<String> finished = get(poll, admin);
        assertThat(finished.body()).as("the rows come back cancelled, and the poll stops")
                .contains(row(first), ">cancelled<").doesNotContain("every 2s", "hx-get");
        assertThat(get("/runs/live?id=" + "x".repeat(101), admin).statusCode()).isEqualTo(400);
    }

    @Test
    void aPageOpenedAfterAStepFinishedStreamsOnlyWhatItDoesNotShowYet() throws Exception {
        String id = startRun("two-steps");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> quench.engine().store().runs().find(id)
                .map(run -> run.steps().size() == 2 && run.steps().get(0).finishedAt() != null).orElse(false));
        try {
            String page = get("/runs/" + id, admin).body();
            assertThat(page).as("the finished step is on the page").contains("first-step-line-1");
            Matcher connect = Pattern.compile("sse-connect=\"(/runs/" + id + "/events\\?lastEventId=([0-9]+))\"")
                    .matcher(page);
            assertThat(connect.find()).as("the stream starts after what the page shows: %s", page).isTrue();
            assertThat(Long.parseLong(connect.group(2))).isPositive();

            String streamed = readStreamUntil(connect.group(1), "second-step-started");
            assertThat(streamed).contains("second-step-started").doesNotContain("first-step-line");
        } finally {
            quench.engine().store().runs().find(id).filter(run -> !run.status().finished()).ifPresent(run -> {
                try {
                    post("/runs/" + id + "/cancel", admin, csrf(admin), "test over");
                } catch (Exception e) {
                    throw new IllegalStateException("cannot cancel run " + id, e);
                }
            });
        }
    }

    private static String startRun(String runbook) throws Exception {
        HttpResponse<String> started = CLIENT.send(HttpRequest.newBuilder(quench.uri("/api/v1/runs"))
                .header("Authorization", "Bearer " + quench.engine().apiToken().value())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"runbook\": \"" + runbook + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(started.body())
                .path("id").asText();
    }

    /** Reads the console's event stream at {@code path} until a line contains {@code marker} (10 s at most). */
    private static String readStreamUntil(String path, String marker) throws Exception {
        HttpResponse<java.io.InputStream> stream = CLIENT.send(HttpRequest.newBuilder(
                URI.create(quench.uri("/") + path.substring(1))).header("Cookie", "quench_session=" + admin)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        StringBuilder read = new StringBuilder();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(),
                StandardCharsets.UTF_8))) {
            reader.submit(() -> {
                String line;
                while ((line = lines.readLine()) != null) {
                    read.append(line).append('\n');
                    if (line.contains(marker)) {
                        return null;
                    }
                }
                return null;
            }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            reader.shutdownNow();
        }
        return read.toString();
    }

    /** A run's row on the runs screen (its id also appears in links that carry the page's URL). */
    private static String row(String id) {
        return "<tr id=\"run-" + id + "\"";
    }

    private static HttpResponse<String> signIn(String token) throws Exception {
        return http.signIn(token, "/runs");
    }

    private static String session(String token) throws Exception {
        return http.session(token);
    }

    private static String csrf(String session) throws Exception {
        return http.csrf(session);
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return http.get(path, session);
    }

    private static HttpResponse<String> post(String path, String session, String csrf, String reason) throws Exception {
        return csrf == null ? http.postAs(path, session, origin(), "reason", reason)
                : http.postAs(path, session, origin(), "_csrf", csrf, "reason", reason);
    }

    private static String origin() {
        return http.origin();
    }

    private static HttpRequest.BodyPublisher form(String... pairs) {
        return ConsoleHttp.form(pairs);
    }
}
