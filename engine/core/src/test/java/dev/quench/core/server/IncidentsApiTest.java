package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incidents end to end through a real engine: two alerts for one Redis instance are one incident whose toil
 * the ledger counts once; it resolves when both alerts resolve; the API lists, shows and exports it, and a
 * team-scoped token sees only its team's.
 */
class IncidentsApiTest {

    private static final String RUNBOOK = """
            name: redis-cache-flush
            owner: cache-team
            toil: {manualMinutes: 15}
            triggers:
              alert:
                matchers: ['alertname=~"RedisDown|RedisMemoryHigh"']
            steps:
              - id: flush
                uses: shell.exec
                with:
                  command: echo flushed ${{ alert.labels.instance }}
            """;

    @TempDir
    Path temp;

    private EngineHarness harness;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("redis-cache-flush.yaml"), RUNBOOK);
        // Another team's runbook, so a token of that team can be made.
        Files.writeString(runbooks.resolve("web-restart.yaml"), RUNBOOK.replace("redis-cache-flush", "web-restart")
                .replace("cache-team", "web-team").replace("RedisDown|RedisMemoryHigh", "WebDown"));
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static byte[] notification(String status) {
        String alerts = String.join(",", alert("RedisDown", "fa", status), alert("RedisMemoryHigh", "fb", status));
        return ("{\"version\": \"4\", \"status\": \"" + status + "\", \"groupKey\": \"{}:{instance=\\\"redis-1:6379\\\"}\","
                + " \"alerts\": [" + alerts + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static String alert(String name, String fingerprint, String status) {
        return """
                {"status": "%s", "fingerprint": "%s", "startsAt": "2026-11-20T03:00:00Z",
                 "endsAt": "%s",
                 "labels": {"alertname": "%s", "instance": "redis-1:6379",
                            "note": "\\n# Heading [x](http://evil.example) <img src=x onerror=alert(1)>"},
                 "annotations": {"summary": "## injected\\n<script>alert(1)</script> ![i](http://evil.example/i.png)"}}
                """.formatted(status, fingerprint, status.equals("resolved") ? "2026-11-20T03:10:00Z"
                : "0001-01-01T00:00:00Z", name);
    }

    @Test
    void twoAlertsForOneRedisInstanceAreOneIncidentCountedOnceResolvedAndExported() throws Exception {
        assertThat(harness.post("/hooks/alertmanager", notification("firing")).statusCode()).isEqualTo(202);
        assertThat(harness.awaitRuns(Duration.ofSeconds(60))).hasSize(2)
                .allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED));

        JsonNode list = harness.getJson("/api/v1/incidents");
        assertThat(list.path("incidents")).hasSize(1);
        JsonNode incident = list.path("incidents").get(0);
        String id = incident.path("id").asText();
        assertThat(incident.path("status").asText()).isEqualTo("open");
        assertThat(incident.path("groupKey").asText()).as("the Alertmanager group the two came in")
                .isEqualTo("@alertmanager:{}:{instance=\"redis-1:6379\"}");
        assertThat(incident.path("owner").asText()).isEqualTo("cache-team");
        assertThat(incident.path("alerts").asInt()).isEqualTo(2);
        assertThat(incident.path("runs").asInt()).isEqualTo(2);
        assertThat(incident.path("mttaSeconds").isNumber()).isTrue();
        assertThat(incident.path("mttrSeconds").isNull()).isTrue();
        assertThat(list.path("byRunbook").get(0).path("runbook").asText()).isEqualTo("redis-cache-flush");
        assertThat(list.path("byRunbook").get(0).path("incidents").asInt()).isEqualTo(1);

        JsonNode toil = harness.getJson("/api/v1/toil?by=runbook");
        assertThat(toil.path("rows").get(0).path("runs").asInt()).isEqualTo(2);
        assertThat(toil.path("rows").get(0).path("succeeded").asInt()).isEqualTo(2);
        assertThat(toil.path("rows").get(0).path("minutesSaved").asLong())
                .as("two alerts of one incident credit the runbook once").isEqualTo(15);

        assertThat(harness.post("/hooks/alertmanager", notification("resolved")).statusCode()).isEqualTo(202);
        JsonNode resolved = awaitStatus(id, "resolved", Duration.ofSeconds(30));
        assertThat(resolved.path("incident").path("alerts").asInt()).isEqualTo(4);
        assertThat(resolved.path("incident").path("mttrSeconds").isNumber()).isTrue();
        assertThat(resolved.path("alerts")).hasSize(4);
        assertThat(resolved.path("runs")).hasSize(2);
        assertThat(resolved.path("runs").get(0).path("run").path("steps")).hasSize(1);
        assertThat(harness.getJson("/api/v1/incidents?status=open").path("incidents")).isEmpty();
        assertThat(harness.getJson("/api/v1/incidents?status=resolved").path("incidents")).hasSize(1);

        HttpResponse<String> markdown = harness.get("/api/v1/incidents/" + id + "/export?format=markdown");
        assertThat(markdown.statusCode()).isEqualTo(200);
        assertThat(markdown.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/markdown"));
        List<String> headings = new ArrayList<>();
        for (String line : markdown.body().split("\n")) {
            if (line.startsWith("#")) {
                headings.add(line);
            }
        }
        assertThat(headings).as("no heading from alert data").containsExactly(
                "# Postmortem draft: RedisDown in group \\{\\}\\:\\{instance\\=\\\"redis\\-1\\:6379\\\"\\}", "## Summary", "## Impact", "## Toil",
                "## Timeline", "## Contributing factors", "## Action items", "## Lessons learned");
        assertThat(markdown.body()).doesNotContain("\n<script").contains("` note= # Heading [x](http://evil.example) <img src=x onerror=alert(1)> `").contains("flushed redis-1:6379")
                .contains("\\<script\\>").contains("Toil saved: 15 min");

        JsonNode json = harness.getJson("/api/v1/incidents/" + id + "/export?format=json");
        List<String> kinds = new ArrayList<>();
        json.path("timeline").forEach(event -> kinds.add(event.path("kind").asText()));
        assertThat(kinds).filteredOn("alert_fired"::equals).hasSize(2);
        assertThat(kinds).filteredOn("run_queued"::equals).hasSize(2);
        assertThat(kinds).filteredOn("step"::equals).hasSize(2);
        assertThat(kinds).filteredOn("run_ended"::equals).hasSize(2);
        assertThat(kinds).filteredOn("alert_resolved"::equals).hasSize(2);
        assertThat(kinds).last().isEqualTo("incident_resolved");
        assertThat(json.path("toil").path("minutesSaved").asLong()).isEqualTo(15);
        assertThat(json.path("humanSections").get(1).asText()).isEqualTo("Action items");

        // the CLI reads the same through the API: list, show and export with --server
        String server = "http://127.0.0.1:" + harness.engine().port();
        String tokenFile = temp.resolve("data").resolve("quench.token").toString();
        java.io.PrintStream originalOut = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(dev.quench.core.cli.QuenchMain.run("incidents", "list", "--server", server, "--token-file",
                    tokenFile)).isZero();
            assertThat(dev.quench.core.cli.QuenchMain.run("incidents", "show", id, "--server", server, "--token-file",
                    tokenFile)).isZero();
            assertThat(dev.quench.core.cli.QuenchMain.run("incidents", "export", id, "--format", "markdown",
                    "--server", server, "--token-file", tokenFile)).isZero();
            assertThat(dev.quench.core.cli.QuenchMain.run("toil", "share", "--server", server, "--token-file",
                    tokenFile)).isZero();
        } finally {
            System.setOut(originalOut);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("incident " + id + ": RESOLVED")
                .contains("redis-cache-flush").contains("# Postmortem draft: RedisDown")
                .containsPattern("cache-team\\s+15\\s+0\\s+0\\s+0.0 %");

        assertThat(harness.get("/api/v1/incidents/" + id + "/export?format=pdf").statusCode()).isEqualTo(400);
        assertThat(harness.get("/api/v1/incidents/no-such-incident").statusCode()).isEqualTo(404);
        assertThat(harness.get("/api/v1/incidents?status=sleeping").statusCode()).isEqualTo(400);
        assertThat(harness.get("/api/v1/incidents?limit=0").statusCode()).isEqualTo(400);
    }

    private static byte[] grouped(String groupKey, String name, String fingerprint, String instance) {
        return Json.json().createObjectNode().put("version", "4").put("status", "firing").put("groupKey", groupKey)
                .set("alerts", Json.json().createArrayNode().add(Json.json().createObjectNode()
                        .put("status", "firing").put("fingerprint", fingerprint)
                        .put("startsAt", "2026-11-20T03:00:00Z")
                        .set("labels", Json.json().createObjectNode().put("alertname", name)
                                .put("instance", instance)))).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Alertmanager sends one notification per group, again as the group grows: two notifications with one
     * groupKey are one incident even for two instances, and the same instance in another group is another.
     */
    @Test
    void twoNotificationsOfOneAlertmanagerGroupAreOneIncidentAndAnotherGroupIsAnother() throws Exception {
        String group = "{}/{team=\"cache\"}:{alertname=\"RedisDown\"}";
        assertThat(harness.post("/hooks/alertmanager", grouped(group, "RedisDown", "n1", "redis-1:6379"))
                .statusCode()).isEqualTo(202);
        harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(harness.post("/hooks/alertmanager", grouped(group, "RedisDown", "n2", "redis-2:6379"))
                .statusCode()).isEqualTo(202);
        harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(harness.post("/hooks/alertmanager", grouped("{}/{team=\"cache\"}:{alertname=\"RedisMemoryHigh\"}",
                "RedisMemoryHigh", "n3", "redis-1:6379")).statusCode()).isEqualTo(202);
        // A hostile key, far over the cap: stored capped (start + SHA-256), shown as data.
        String hostile = "{}:{x=\"\n# Heading <script>alert(1)</script>\"}" + "A".repeat(5000);
        assertThat(harness.post("/hooks/alertmanager", grouped(hostile, "RedisDown", "n4", "redis-9:6379"))
                .statusCode()).isEqualTo(202);
        assertThat(harness.awaitRuns(Duration.ofSeconds(60))).hasSize(4);

        JsonNode incidents = harness.getJson("/api/v1/incidents").path("incidents");
        List<String> keys = new ArrayList<>();
        incidents.forEach(incident -> keys.add(incident.path("groupKey").asText()));
        assertThat(keys).hasSize(3).contains("@alertmanager:" + group,
                "@alertmanager:{}/{team=\"cache\"}:{alertname=\"RedisMemoryHigh\"}");
        JsonNode shared = find(incidents, "@alertmanager:" + group);
        assertThat(shared.path("alerts").asInt()).isEqualTo(2);
        assertThat(shared.path("runs").asInt()).isEqualTo(2);
        assertThat(shared.path("title").asText()).isEqualTo("RedisDown in group " + group);
        String capped = keys.stream().filter(key -> key.contains("<script>")).findFirst().orElseThrow();
        assertThat(capped).hasSize("@alertmanager:".length() + 512).containsPattern("\\.\\.\\.sha256:[0-9a-f]{64}$");

        String hostileId = find(incidents, capped).path("id").asText();
        String markdown = harness.get("/api/v1/incidents/" + hostileId + "/export?format=markdown").body();
        assertThat(markdown).doesNotContain("\n# Heading").startsWith("# Postmortem draft: RedisDown in group "
                        + "\\{\\}\\:\\{x\\=\\\" \\# Heading \\<script\\>alert\\(1\\)\\<\\/script\\>")
                .contains("- Group: ` @alertmanager:{}:{x=\" # Heading <script>alert(1)</script>\"}AAA");
        assertThat(markdown.lines().filter(line -> line.startsWith("#")).toList())
                .as("no heading from the group key").noneMatch(line -> line.contains("Heading") && !line.startsWith("# Postmortem"));
    }

    private static JsonNode find(JsonNode incidents, String groupKey) {
        for (JsonNode incident : incidents) {
            if (incident.path("groupKey").asText().equals(groupKey)) {
                return incident;
            }
        }
        throw new AssertionError("no incident of group " + groupKey + " in " + incidents);
    }

    @Test
    void aTeamScopedTokenSeesOnlyItsTeamsIncidents() throws Exception {
        harness.post("/hooks/alertmanager", notification("firing"));
        harness.awaitRuns(Duration.ofSeconds(60));
        String id = harness.getJson("/api/v1/incidents").path("incidents").get(0).path("id").asText();
        String web = token("web-viewer", "web-team");
        String cache = token("cache-viewer", "cache-team");

        HttpResponse<String> webList = get("/api/v1/incidents", web);
        assertThat(webList.statusCode()).isEqualTo(200);
        assertThat(Json.json().readTree(webList.body()).path("incidents")).isEmpty();
        HttpResponse<String> forbidden = get("/api/v1/incidents/" + id, web);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("belongs to team 'cache-team'");
        assertThat(get("/api/v1/incidents/" + id + "/export", web).statusCode()).isEqualTo(403);
        assertThat(Json.json().readTree(get("/api/v1/incidents", cache).body()).path("incidents")).hasSize(1);
        assertThat(get("/api/v1/incidents/" + id, cache).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/incidents", null).statusCode()).isEqualTo(401);
    }

    /** A viewer token of {@code team}, made through the API (the engine learns of it at once). */
    private String token(String name, String team) throws Exception {
        HttpResponse<String> created = harness.post("/api/v1/tokens", ("{\"name\": \"" + name
                + "\", \"role\": \"viewer\", \"team\": \"" + team + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.json().readTree(created.body()).path("token").asText();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(harness.uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private JsonNode awaitStatus(String id, String status, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode detail = harness.getJson("/api/v1/incidents/" + id);
        while (!detail.path("incident").path("status").asText().equals(status)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("incident " + id + " not " + status + " after " + timeout + ": " + detail);
            }
            Thread.sleep(100);
            detail = harness.getJson("/api/v1/incidents/" + id);
        }
        return detail;
    }
}
