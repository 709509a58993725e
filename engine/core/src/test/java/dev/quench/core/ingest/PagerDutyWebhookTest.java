package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What PagerDuty sees from {@code POST /hooks/pagerduty}: signatures, rotation, replays, lifecycle. */
class PagerDutyWebhookTest {

    private static final byte[] TRIGGERED = resource("fixtures/alerts/pagerduty-incident-triggered.json");
    private static final byte[] RESOLVED = new String(TRIGGERED, StandardCharsets.UTF_8)
            .replace("incident.triggered", "incident.resolved")
            .replace("\"status\": \"triggered\"", "\"status\": \"resolved\"")
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(temp.resolve("pd.secret"), "new-secret");
        engine = IngestEngine.start(temp, """
                sources:
                  pagerduty:
                    auth:
                      hmac: {secretFile: pd.secret}
                """, Map.of("incident", """
                name: checkout-errors
                owner: payments
                toil: {manualMinutes: 15}
                triggers:
                  alert:
                    matchers: ['alertname="HighErrorRate on checkout-api"', 'urgency="high"']
                steps:
                  - id: say
                    uses: shell.exec
                    with:
                      command: echo ${{ alert.labels.service }}
                """));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private HttpResponse<String> send(byte[] body, String signatureHeader, String webhookId) throws Exception {
        return engine.post("/hooks/pagerduty", body, "X-PagerDuty-Signature", signatureHeader, "X-Webhook-Id", webhookId);
    }

    @Test
    void aTriggeredIncidentBecomesAFiringAlertLabelledFromTheIncidentAndRunsItsRunbook() throws Exception {
        HttpResponse<String> response = send(TRIGGERED, "v1=" + Signatures.hmacHex("new-secret", TRIGGERED), "w-1");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode alert = engine.alerts("?source=pagerduty").get(0).path("alert");
        assertThat(alert.path("fingerprint").asText()).isEqualTo("Q2B7ZK8W0LMNOP");
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("HighErrorRate on checkout-api");
        assertThat(alert.path("labels").path("incident_key").asText()).isEqualTo("checkout-api/HighErrorRate");
        assertThat(alert.path("labels").path("service").asText()).isEqualTo("Checkout API");
        assertThat(alert.path("labels").path("urgency").asText()).isEqualTo("high");
        assertThat(alert.path("labels").path("team").asText()).isEqualTo("Payments");
        assertThat(alert.path("generatorUrl").asText()).isEqualTo("https://acme.pagerduty.com/incidents/Q2B7ZK8W0LMNOP");
        assertThat(engine.harness.awaitRuns(java.time.Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void anyOfSeveralSignaturesMatchesDuringSecretRotation() throws Exception {
        String header = "v1=" + Signatures.hmacHex("old-secret", TRIGGERED) + ",v1="
                + Signatures.hmacHex("new-secret", TRIGGERED);

        assertThat(send(TRIGGERED, header, "w-1").statusCode()).isEqualTo(202);
    }

    @Test
    void aBadOrMissingSignatureIs401AndStoresNothing() throws Exception {
        assertThat(send(TRIGGERED, "v1=" + Signatures.hmacHex("old-secret", TRIGGERED), "w-1").statusCode())
                .isEqualTo(401);
        assertThat(send(TRIGGERED, "v1=", "w-1").statusCode()).isEqualTo(401);
        assertThat(engine.post("/hooks/pagerduty", TRIGGERED, "X-Webhook-Id", "w-1").statusCode()).isEqualTo(401);
        assertThat(engine.alerts("")).isEmpty();
        assertThat(send(TRIGGERED, "v1=" + Signatures.hmacHex("new-secret", TRIGGERED), "w-1").statusCode())
                .as("the refused attempts did not burn the webhook id").isEqualTo(202);
    }

    @Test
    void aReplayedWebhookIdIsAcknowledgedAndStartsNothingNew() throws Exception {
        String signature = "v1=" + Signatures.hmacHex("new-secret", TRIGGERED);
        assertThat(send(TRIGGERED, signature, "w-1").statusCode()).isEqualTo(202);

        HttpResponse<String> replay = send(TRIGGERED, signature, "w-1");

        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(IngestEngine.json(replay).path("replay").asBoolean()).isTrue();
        assertThat(engine.harness.awaitRuns(java.time.Duration.ofSeconds(30))).hasSize(1);
        assertThat(engine.alerts("")).hasSize(1);
    }

    @Test
    void aResolvedIncidentIsAResolvedAlertAndOtherEventTypesAreAcknowledgedWithoutAlerts() throws Exception {
        assertThat(send(RESOLVED, "v1=" + Signatures.hmacHex("new-secret", RESOLVED), "w-2").statusCode())
                .isEqualTo(202);
        byte[] acknowledged = new String(TRIGGERED, StandardCharsets.UTF_8)
                .replace("incident.triggered", "incident.acknowledged").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> ack = send(acknowledged, "v1=" + Signatures.hmacHex("new-secret", acknowledged), "w-3");

        assertThat(ack.statusCode()).isEqualTo(202);
        assertThat(IngestEngine.json(ack).path("note").asText()).contains("incident.acknowledged");
        JsonNode alerts = engine.alerts("");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).path("alert").path("status").asText()).isEqualToIgnoringCase("resolved");
        assertThat(engine.alerts("?status=firing")).isEmpty();
    }

    @Test
    void aBodyWithoutAnEventIs400() throws Exception {
        byte[] body = "{\"messages\": []}".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(body, "v1=" + Signatures.hmacHex("new-secret", body), "w-9");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("field 'event' is missing");
    }
}
