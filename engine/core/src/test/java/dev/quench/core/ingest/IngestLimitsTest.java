package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets the right 4xx and stores nothing; a storm-sized group is accepted whole. */
class IngestLimitsTest {

    @RegisterExtension
    static final IngestEngine engine = IngestEngine.perClass("""
            ingest: {maxLabels: 12}
            """, Map.of());

    private static int storedAlerts() throws Exception {
        engine.harness.awaitIngested(java.time.Duration.ofSeconds(30));
        // Every alert, in its own row or stored in bulk (unmatched firing alerts).
        return (int) engine.harness.engine().store().alerts().count();
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        int before = storedAlerts();
        HttpResponse<String> form = engine.postWithToken("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"),
                "Content-Type", "application/x-www-form-urlencoded");
        HttpResponse<String> latin1 = engine.postWithToken("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"),
                "Content-Type", "application/json; charset=ISO-8859-1");

        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.body()).contains("application/json");
        assertThat(latin1.statusCode()).isEqualTo(415);
        assertThat(storedAlerts()).isEqualTo(before);
    }

    @Test
    void bytesThatAreNotUtf8Are400() throws Exception {
        byte[] body = new String(resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"), StandardCharsets.UTF_8)
                .replace("DiskSpaceLow", "Disk\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        int before = storedAlerts();

        HttpResponse<String> response = engine.postWithToken("/hooks/alertmanager", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(IngestEngine.json(response).path("detail").asText()).contains("not valid UTF-8");
        assertThat(storedAlerts()).isEqualTo(before);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        byte[] body = new byte[33 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');

        HttpResponse<String> response = engine.postWithToken("/hooks/alertmanager", body);

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void tooManyLabelsOrAnOverlongValueIs400NamingTheAlert() throws Exception {
        byte[] tooMany = AlertmanagerGroups.group("ManyLabels", 2, "firing", 0);
        String text = new String(tooMany, StandardCharsets.UTF_8).replaceFirst("\"job\":\"node\",",
                "\"job\":\"node\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",");
        HttpResponse<String> labels = engine.postWithToken("/hooks/alertmanager", text.getBytes(StandardCharsets.UTF_8));
        String longValue = new String(AlertmanagerGroups.group("LongValue", 1, "firing", 0), StandardCharsets.UTF_8)
                .replace("\"env\":\"prod\"", "\"env\":\"" + "x".repeat(5000) + "\"");
        HttpResponse<String> value = engine.postWithToken("/hooks/alertmanager", longValue.getBytes(StandardCharsets.UTF_8));

        assertThat(labels.statusCode()).isEqualTo(400);
        assertThat(labels.body()).contains("alerts[0] has 13 labels; the limit is 12");
        assertThat(value.statusCode()).isEqualTo(400);
        assertThat(value.body()).contains("alerts[0].labels.env is longer than 4096");
        assertThat(engine.alerts("?limit=1000").findValuesAsText("alertname")).doesNotContain("ManyLabels", "LongValue");
    }

    @Test
    void aGroupOfTenThousandAlertsIsAcceptedWholeAndTruncationIsCounted() throws Exception {
        byte[] storm = AlertmanagerGroups.group("StormAlert", 10_000, "firing", 7);
        assertThat(storm.length).as("a realistic storm body").isGreaterThan(5_000_000);
        int before = storedAlerts();

        HttpResponse<String> response = engine.postWithToken("/hooks/alertmanager", storm);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = IngestEngine.json(response);
        assertThat(answer.path("new").asInt()).isEqualTo(10_000);
        assertThat(answer.path("truncatedAlerts").asInt()).isEqualTo(7);
        assertThat(storedAlerts()).isEqualTo(before + 10_000);
        assertThat(engine.harness.getJson("/api/v1/ingest").path("truncatedAlerts").asLong()).isGreaterThanOrEqualTo(7);
    }
}
