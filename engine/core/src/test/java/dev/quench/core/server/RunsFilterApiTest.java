package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/runs}: its filters, its pages and a team-scoped token's view, on a real engine. */
class RunsFilterApiTest {

    @TempDir
    static Path temp;

    private static EngineHarness harness;
    private static String webViewer;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("web-restart.yaml"), """
                name: web-restart
                owner: web-team
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        Store store = harness.engine().store();
        // 12 history rows, an hour apart, oldest first: even ones web-team alerts, odd ones storage-team manual.
        for (int i = 0; i < 12; i++) {
            boolean web = i % 2 == 0;
            store.runs().insertQueued(new RunRecord(String.format("hist-%02d", i), web ? "web-restart" : "disk-clean",
                    web ? "web-team" : "storage-team", web ? TriggerType.ALERT : TriggerType.MANUAL, "test", null,
                    RunStatus.QUEUED, false, Map.of(), 5, 0, "", NOW.minus(12 - i, ChronoUnit.HOURS), null, null,
                    List.of()));
        }
        webViewer = store.tokens().create("web-viewer", Role.VIEWER, "web-team", List.of(), null, "test", NOW).secret();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (get("/api/v1/status", webViewer).status() != 200) {
            assertThat(Instant.now()).as("the engine sees the new token").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static LoopbackHttp.Answer get(String path, String token) throws Exception {
        return LoopbackHttp.send(harness.engine().port(), "127.0.0.1", "GET", path, token, null);
    }

    private static JsonNode runs(String path, String token) throws Exception {
        LoopbackHttp.Answer answer = get(path, token);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        return Json.json().readTree(answer.body());
    }

    private static List<String> ids(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.path("runs").forEach(run -> ids.add(run.path("id").asText()));
        return ids;
    }

    private static String admin() {
        return harness.engine().apiToken().value();
    }

    @Test
    void filtersByTriggerTeamAndTimeOnTheServer() throws Exception {
        assertThat(ids(runs("/api/v1/runs?trigger=manual&limit=3", admin())))
                .containsExactly("hist-11", "hist-09", "hist-07");
        assertThat(ids(runs("/api/v1/runs?team=web-team&since=5h", admin())))
                .containsExactly("hist-10", "hist-08");
        assertThat(ids(runs("/api/v1/runs?since=" + NOW.minus(4, ChronoUnit.HOURS) + "&until="
                + NOW.minus(2, ChronoUnit.HOURS) + "&status=queued", admin())))
                .containsExactly("hist-09", "hist-08");
        assertThat(ids(runs("/api/v1/runs?status=&runbook=&trigger=&team=&limit=2", admin())))
                .as("empty values (an HTML form's 'any') do not filter").containsExactly("hist-11", "hist-10");
    }

    @Test
    void nextPagesThroughEveryRunOnce() throws Exception {
        List<String> seen = new ArrayList<>();
        JsonNode page = runs("/api/v1/runs?runbook=disk-clean&limit=4", admin());
        seen.addAll(ids(page));
        for (int pages = 0; pages < 5 && page.has("next"); pages++) {
            page = runs("/api/v1/runs?runbook=disk-clean&limit=4&before=" + page.path("next").asText(), admin());
            seen.addAll(ids(page));
        }
        assertThat(seen).containsExactly("hist-11", "hist-09", "hist-07", "hist-05", "hist-03", "hist-01");
        assertThat(page.has("next")).as("the last page has no next").isFalse();
    }

    @Test
    void aTeamTokenSeesOnlyItsTeamAndIsToldWhyAnotherTeamIsRefused() throws Exception {
        assertThat(ids(runs("/api/v1/runs?trigger=alert", webViewer))).hasSize(6)
                .allMatch(id -> Integer.parseInt(id.substring(5)) % 2 == 0);
        assertThat(ids(runs("/api/v1/runs?team=web-team&limit=1", webViewer))).containsExactly("hist-10");

        LoopbackHttp.Answer refused = get("/api/v1/runs?team=storage-team", webViewer);

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Json.json().readTree(refused.body()).path("detail").asText()).isEqualTo("token 'web-viewer' is "
                + "limited to team 'web-team' and cannot list the runs of team 'storage-team': leave team empty, or use "
                + "a token of that team (or one without a team)");
    }

    @Test
    void aBadFilterIsA400SayingWhatItMayBe() throws Exception {
        assertThat(Json.json().readTree(get("/api/v1/runs?trigger=cron", admin()).body()).path("detail").asText())
                .isEqualTo("trigger must be alert, manual or schedule, was 'cron'");
        assertThat(get("/api/v1/runs?since=lately", admin()).body()).contains("since must be a duration back from now");
        assertThat(get("/api/v1/runs?before=garbage", admin()).status()).isEqualTo(400);
        assertThat(get("/api/v1/runs?since=1h&until=2h", admin()).body()).contains("must be before until");
    }
}
