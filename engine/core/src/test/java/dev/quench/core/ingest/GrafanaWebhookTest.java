package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Grafana sees from {@code POST /hooks/grafana}, with and without HMAC signing. */
class GrafanaWebhookTest {

    private static final byte[] FIXTURE = resource("fixtures/alerts/grafana-firing-cachehitrate.json");

    @TempDir
    Path temp;

    private IngestEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theFixtureBecomesAStoredGrafanaAlert() throws Exception {
        engine = IngestEngine.start(temp, "", Map.of());

        HttpResponse<String> response = engine.postWithToken("/hooks/grafana", FIXTURE);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode alerts = engine.alerts("?source=grafana");
        assertThat(alerts).hasSize(1);
        JsonNode alert = alerts.get(0).path("alert");
        assertThat(alert.path("fingerprint").asText()).isEqualTo("9b3f0c22e1d74a65");
        assertThat(alert.path("status").asText()).isEqualToIgnoringCase("firing");
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("CacheHitRateLow");
        assertThat(alert.path("labels").path("service").asText()).isEqualTo("catalog");
        assertThat(engine.postWithToken("/hooks/grafana", FIXTURE).body()).contains("\"duplicates\":1");
        assertThat(engine.alerts("")).hasSize(1);
    }

    @Test
    void aSignedBodyIsAcceptedAndABadOrMissingSignatureIs401WithNothingStored() throws Exception {
        Files.writeString(temp.resolve("grafana.secret"), "s3cret\n");
        engine = IngestEngine.start(temp, """
                sources:
                  grafana:
                    auth:
                      hmac: {secretFile: grafana.secret}
                """, Map.of());

        assertThat(engine.post("/hooks/grafana", FIXTURE).statusCode()).isEqualTo(401);
        assertThat(engine.post("/hooks/grafana", FIXTURE, "X-Grafana-Alerting-Signature",
                Signatures.hmacHex("wrong", FIXTURE)).statusCode()).isEqualTo(401);
        HttpResponse<String> refused = engine.postWithToken("/hooks/grafana", FIXTURE);
        assertThat(refused.statusCode()).as("the API token is no longer enough").isEqualTo(401);
        assertThat(refused.body()).contains("X-Grafana-Alerting-Signature");
        assertThat(engine.alerts("")).isEmpty();

        HttpResponse<String> accepted = engine.post("/hooks/grafana", FIXTURE, "X-Grafana-Alerting-Signature",
                Signatures.hmacHex("s3cret", FIXTURE));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(engine.alerts("")).hasSize(1);
    }

    @Test
    void theTimestampVariantSignsTimestampColonBodyAndRefusesStaleTimestamps() throws Exception {
        engine = IngestEngine.start(temp, """
                sources:
                  grafana:
                    auth:
                      hmac: {secretEnv: PATH, timestampHeader: X-Grafana-Alerting-Signature-Timestamp}
                """, Map.of());
        String secret = System.getenv("PATH").strip();
        String now = Long.toString(System.currentTimeMillis() / 1000);
        String stale = Long.toString(System.currentTimeMillis() / 1000 - 3600);

        assertThat(engine.post("/hooks/grafana", FIXTURE,
                "X-Grafana-Alerting-Signature", Signatures.hmacHex(secret, FIXTURE),
                "X-Grafana-Alerting-Signature-Timestamp", now).statusCode()).as("body alone is not what is signed")
                .isEqualTo(401);
        assertThat(engine.post("/hooks/grafana", FIXTURE,
                "X-Grafana-Alerting-Signature", Signatures.hmacHex(secret, stale, FIXTURE),
                "X-Grafana-Alerting-Signature-Timestamp", stale).statusCode()).isEqualTo(401);
        assertThat(engine.alerts("")).isEmpty();
        assertThat(engine.post("/hooks/grafana", FIXTURE,
                "X-Grafana-Alerting-Signature", Signatures.hmacHex(secret, now, FIXTURE),
                "X-Grafana-Alerting-Signature-Timestamp", now).statusCode()).isEqualTo(202);
        assertThat(engine.alerts("")).hasSize(1);
    }

    @Test
    void aBodyWithoutAlertsIs400() throws Exception {
        engine = IngestEngine.start(temp, "", Map.of());

        HttpResponse<String> response = engine.postWithToken("/hooks/grafana", "{\"title\": \"x\"}".getBytes());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(IngestEngine.json(response).path("detail").asText()).contains("field 'alerts' is missing");
    }
}
