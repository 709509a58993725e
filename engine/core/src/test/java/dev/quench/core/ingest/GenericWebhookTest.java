package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /hooks/generic/{source}}: any JSON mapped by configuration; bearer and basic auth. */
class GenericWebhookTest {

    private static final String BODY = """
            {"checks": [
              {"check": {"id": "c-17", "name": "DiskSpaceLow"}, "host": "web-7", "state": "DOWN",
               "since": 1795000000, "tags": {"team": "storage"}, "message": "disk 97%"},
              {"check": {"id": "c-18", "name": "ApiSlow"}, "host": "api-1", "state": "up", "since": "2026-11-21T10:00:00Z"}
            ]}""";

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(temp.resolve("uptime.token"), "uptime-token");
        Files.writeString(temp.resolve("nagios.password"), "pa55");
        engine = IngestEngine.start(temp, """
                sources:
                  uptime:
                    auth: {bearerTokenFile: uptime.token}
                    mapping:
                      alerts: /checks
                      name: /check/name
                      status: /state
                      fingerprint: /check/id
                      startsAt: /since
                      labels: {instance: /host}
                      labelsFrom: /tags
                      annotations: {summary: /message}
                  nagios:
                    auth:
                      basic: {user: nagios, passwordFile: nagios.password}
                    mapping: {name: /service}
                """, Map.of("disk", IngestEngine.RUNBOOK_DISK));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void eachListedObjectBecomesAnAlertAsTheMappingSays() throws Exception {
        HttpResponse<String> response = engine.post("/hooks/generic/uptime", BODY, "Authorization", "Bearer uptime-token");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode alerts = engine.alerts("?source=uptime");
        assertThat(alerts).hasSize(2);
        JsonNode api = alerts.get(0).path("alert");
        JsonNode disk = alerts.get(1).path("alert");
        assertThat(disk.path("fingerprint").asText()).isEqualTo("c-17");
        assertThat(disk.path("status").asText()).isEqualToIgnoringCase("firing");
        assertThat(disk.path("labels").path("alertname").asText()).isEqualTo("DiskSpaceLow");
        assertThat(disk.path("labels").path("instance").asText()).isEqualTo("web-7");
        assertThat(disk.path("labels").path("team").asText()).isEqualTo("storage");
        assertThat(disk.path("annotations").path("summary").asText()).isEqualTo("disk 97%");
        assertThat(disk.path("startsAt").asText()).startsWith("2026-11-18");
        assertThat(api.path("status").asText()).isEqualToIgnoringCase("resolved");
        assertThat(engine.harness.awaitRuns(java.time.Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void aMissingNameIs400NamingThePointer() throws Exception {
        HttpResponse<String> response = engine.post("/hooks/generic/uptime", "{\"checks\": [{\"host\": \"x\"}]}",
                "Authorization", "Bearer uptime-token");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("/checks/0/check/name");
        assertThat(engine.alerts("")).isEmpty();
    }

    @Test
    void wrongCredentialsAre401AndAnUnconfiguredSourceIs404() throws Exception {
        assertThat(engine.post("/hooks/generic/uptime", BODY, "Authorization", "Bearer nope").statusCode()).isEqualTo(401);
        assertThat(engine.post("/hooks/generic/uptime", BODY).statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = engine.post("/hooks/generic/zabbix", BODY, "Authorization", "Bearer uptime-token");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("sources.zabbix.mapping");
        assertThat(engine.alerts("")).isEmpty();
    }

    @Test
    void basicAuthChecksUserAndPassword() throws Exception {
        String good = "Basic " + Base64.getEncoder().encodeToString("nagios:pa55".getBytes());
        String bad = "Basic " + Base64.getEncoder().encodeToString("nagios:pa56".getBytes());

        assertThat(engine.post("/hooks/generic/nagios", "{\"service\": \"Load\"}", "Authorization", bad).statusCode())
                .isEqualTo(401);
        assertThat(engine.post("/hooks/generic/nagios", "{\"service\": \"Load\"}", "Authorization", good).statusCode())
                .isEqualTo(202);
        assertThat(engine.alerts("?source=nagios")).hasSize(1);
    }
}
