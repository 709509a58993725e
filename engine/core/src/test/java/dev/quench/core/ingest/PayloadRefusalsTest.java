package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies that look almost right are refused with the exact reason and store nothing: label values
 * that are not strings, an empty alert name, bytes after the JSON document, nesting beyond any real
 * payload, and a {@code Content-Encoding} that does not match the body. A real gzip body is read.
 * The invalid bodies are files under {@code fixtures/alerts/invalid/}.
 */
class PayloadRefusalsTest {

    @RegisterExtension
    static final IngestEngine engine = IngestEngine.perClass("""
            sources:
              uptime:
                mapping: {name: /check, labelsFrom: /tags}
            """, Map.of());

    private static void assertRefused(String path, byte[] body, int status, String error, String detail,
                                      String... headers) throws Exception {
        long before = engine.harness.engine().store().alerts().count();

        HttpResponse<String> response = engine.postWithToken(path, body, headers);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode answer = IngestEngine.json(response);
        assertThat(answer.path("error").asText()).isEqualTo(error);
        assertThat(answer.path("detail").asText()).isEqualTo(detail);
        engine.harness.awaitIngested(java.time.Duration.ofSeconds(30));
        assertThat(engine.harness.engine().store().alerts().count()).as("nothing stored").isEqualTo(before);
    }

    private static byte[] invalid(String name) {
        return resource("fixtures/alerts/invalid/" + name);
    }

    @Test
    void labelValuesThatAreNotStringsAre400NamingTheLabel() throws Exception {
        assertRefused("/hooks/alertmanager", invalid("alertmanager-numeric-label.json"), 400,
                "invalid Alertmanager payload", "alerts[0].labels.port must be a string, not the number 9100: "
                        + "labels are strings in Alertmanager's model; send \"9100\"");
        assertRefused("/hooks/alertmanager", invalid("alertmanager-boolean-label.json"), 400,
                "invalid Alertmanager payload", "alerts[0].labels.critical must be a string, not the boolean true: "
                        + "labels are strings in Alertmanager's model; send \"true\"");
        assertRefused("/hooks/alertmanager", invalid("alertmanager-numeric-annotation.json"), 400,
                "invalid Alertmanager payload", "alerts[0].annotations.percent must be a string, not the number 97.5: "
                        + "annotations are strings in Alertmanager's model; send \"97.5\"");
        assertRefused("/hooks/grafana", invalid("grafana-numeric-label.json"), 400,
                "invalid Grafana payload", "alerts[0].labels.shard must be a string, not the number 3: "
                        + "labels are strings in Alertmanager's model; send \"3\"");
    }

    @Test
    void anEmptyAlertnameIs400() throws Exception {
        assertRefused("/hooks/alertmanager", invalid("alertmanager-empty-alertname.json"), 400,
                "invalid Alertmanager payload", "alerts[0].labels.alertname is empty: every alert needs a name");
        assertRefused("/hooks/grafana", invalid("grafana-empty-alertname.json"), 400,
                "invalid Grafana payload", "alerts[0].labels.alertname is empty: every alert needs a name");
    }

    @Test
    void bytesAfterTheJsonDocumentAre400() throws Exception {
        assertRefused("/hooks/alertmanager", invalid("alertmanager-trailing-bytes.json"), 400,
                "invalid Alertmanager payload",
                "body goes on after its JSON document (line 4, column 1): send exactly one JSON object");
        assertRefused("/hooks/pagerduty", invalid("pagerduty-trailing-bytes.json"), 400,
                "invalid PagerDuty payload",
                "body goes on after its JSON document (line 3, column 1): send exactly one JSON object");
        assertRefused("/hooks/generic/uptime", "{\"check\": \"Down\"} []".getBytes(StandardCharsets.UTF_8), 400,
                "invalid 'uptime' payload",
                "body goes on after its JSON document (line 1, column 19): send exactly one JSON object");
    }

    @Test
    void nestingOverAThousandLevelsIs400WithARealReason() throws Exception {
        byte[] deep = ("{\"version\": \"4\", \"alerts\": " + "[".repeat(1_001) + "]".repeat(1_001) + "}")
                .getBytes(StandardCharsets.UTF_8);
        String detail = "body nests deeper than 64 levels (line 1, column 92): alert payloads are a few levels deep";

        assertRefused("/hooks/alertmanager", deep, 400, "invalid Alertmanager payload", detail);
        assertRefused("/hooks/grafana", deep, 400, "invalid Grafana payload", detail);
        assertRefused("/hooks/pagerduty", deep, 400, "invalid PagerDuty payload", detail);
        assertRefused("/hooks/generic/uptime", deep, 400, "invalid 'uptime' payload", detail);
    }

    @Test
    void aGzipBodyIsReadAndAGzipHeaderOnAPlainBodyIs400() throws Exception {
        byte[] plain = AlertmanagerGroups.group("Zipped", 2, "firing", 0);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(plain);
        }

        HttpResponse<String> accepted = engine.postWithToken("/hooks/alertmanager", zipped.toByteArray(),
                "Content-Encoding", "gzip");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.body()).contains("\"new\":2");
        assertRefused("/hooks/alertmanager", plain, 400, "invalid Alertmanager payload",
                "Content-Encoding says gzip but the body is not gzip data: send it compressed, or without the header",
                "Content-Encoding", "gzip");
        assertRefused("/hooks/alertmanager", plain, 415, "unsupported content encoding",
                "Content-Encoding 'br': Quench reads webhook bodies plain or gzip-compressed", "Content-Encoding", "br");
    }

    @Test
    void aGzipBodyThatUnpacksPastTheLimitIs413() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            byte[] spaces = new byte[1024 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int index = 0; index < 40; index++) {
                gzip.write(spaces);
            }
        }
        assertThat(zipped.size()).as("small on the wire").isLessThan(1024 * 1024);

        assertRefused("/hooks/alertmanager", zipped.toByteArray(), 413, "body too large",
                "the gzip body unpacks to more than 33554432 bytes (ingest.webhookBodyLimit)", "Content-Encoding", "gzip");
    }
}
