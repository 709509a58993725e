package dev.quench.core.server;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sender sees from {@code POST /hooks/alertmanager}, good input and bad. */
class AlertmanagerWebhookTest {

    @TempDir
    Path temp;

    private EngineHarness harness;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo.yaml"), resource("fixtures/runbooks/echo-disk.yaml"));
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void acceptsTheFixtureAndRecordsBothAlerts() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(harness.awaitRuns(Duration.ofSeconds(30))).hasSize(2);
        JsonNode alerts = harness.getJson("/api/v1/alerts");
        assertThat(alerts.path("alerts")).hasSize(2);
        for (JsonNode alert : alerts.path("alerts")) {
            assertThat(alert.path("alert").path("labels").path("alertname").asText()).isEqualTo("DiskSpaceLow");
            assertThat(alert.path("runs")).as("the run each alert started").hasSize(1);
            assertThat(alert.path("runs").get(0).path("id").asText()).isNotEmpty();
        }
        assertThat(alerts.path("next").isNull()).as("one page").isTrue();
    }

    @Test
    void malformedJsonIs400WithAReasonAndRecordsNothing() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                "{\"version\": \"4\", \"alerts\": [".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.json().readTree(response.body());
        assertThat(error.path("error").asText()).isEqualTo("invalid Alertmanager payload");
        assertThat(error.path("detail").asText()).startsWith("body is not valid JSON");
        assertThat(harness.getJson("/api/v1/alerts").path("alerts")).isEmpty();
    }

    @Test
    void aBodyThatIsNotAnAlertmanagerPayloadIs400() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/pagerduty-incident-triggered.json"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unsupported Alertmanager payload version (missing)");
        assertThat(harness.getJson("/api/v1/alerts").path("alerts")).isEmpty();
    }

    @Test
    void anAlertWithoutStatusRejectsTheWholeBody() throws Exception {
        String body = """
                {"version": "4", "status": "firing", "alerts": [
                  {"status": "firing", "labels": {"alertname": "A"}, "fingerprint": "1"},
                  {"labels": {"alertname": "B"}, "fingerprint": "2"}]}""";
        HttpResponse<String> response = harness.post("/hooks/alertmanager", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("alerts[1].status must be");
        assertThat(harness.getJson("/api/v1/alerts").path("alerts")).isEmpty();
    }

    @Test
    void anEmptyAlertListIsAcceptedAndRunsNothing() throws Exception {
        String body = "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": []}";
        HttpResponse<String> response = harness.post("/hooks/alertmanager", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(harness.awaitRuns(Duration.ofSeconds(10))).isEmpty();
    }

    @Test
    void withoutTheTokenTheAnswerIs401AndNothingIsRecorded() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"), "wrong-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"), null).statusCode()).isEqualTo(401);
        assertThat(harness.getJson("/api/v1/alerts").path("alerts")).isEmpty();
    }

    @Test
    void aResolvedAlertStartsNoFiringRunbook() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-resolved-diskspacelow.json"));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(harness.awaitRuns(Duration.ofSeconds(10))).isEmpty();
    }

    @Test
    void unknownPathsAre404InTheErrorShape() throws Exception {
        HttpResponse<String> response = harness.get("/api/v1/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.json().readTree(response.body()).path("error").asText()).isEqualTo("not found");
    }
}
