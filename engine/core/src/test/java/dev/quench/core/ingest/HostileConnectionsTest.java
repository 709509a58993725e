package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client without credentials, or a slow one, gets: a 401 before its body is read, a 413 for
 * an oversized API body, a cut connection when it trickles, and no connection beyond the cap.
 */
class HostileConnectionsTest {

    private static final long THIRTY_TWO_MIB = 32L * 1024 * 1024;

    @TempDir
    static Path temp;

    private static IngestEngine engine;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(temp.resolve("grafana.secret"), "s3cret\n");
        engine = IngestEngine.start(temp, """
                ingest: {maxConnections: 12, idleTimeout: 2s, requestTimeout: 2s}
                sources:
                  grafana:
                    auth:
                      hmac: {secretFile: grafana.secret}
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static int port() {
        return engine.harness.engine().port();
    }

    @Test
    void unauthenticatedWebhookGets401BeforeItsBodyIsSent() throws Exception {
        for (String path : List.of("/hooks/alertmanager", "/hooks/grafana", "/api/v1/runs")) {
            try (RawHttp client = new RawHttp(port())) {
                String answer = client.postHead(path, THIRTY_TWO_MIB, "Authorization: Bearer wrong").answer(5_000);

                assertThat(answer).as(path).startsWith("HTTP/1.1 401 ");
                assertThat(answer).as(path).contains("\"error\":\"unauthorized\"");
                assertThat(client.closedByServerWithin(5_000)).as(path + ": the body is never read").isTrue();
            }
        }
    }

    @Test
    void aSignedSourceReadsTheBodyOnlyWhenASignatureIsOffered() throws Exception {
        try (RawHttp unsigned = new RawHttp(port())) {
            String answer = unsigned.postHead("/hooks/grafana", 1_000).answer(5_000);

            assertThat(answer).startsWith("HTTP/1.1 401 ");
            assertThat(answer).contains("X-Grafana-Alerting-Signature");
        }
        byte[] body = dev.quench.core.testing.EngineHarness.resource("fixtures/alerts/grafana-firing-cachehitrate.json");
        HttpResponse<String> signed = engine.post("/hooks/grafana", body, "X-Grafana-Alerting-Signature",
                Signatures.hmacHex("s3cret", body));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
    }

    @Test
    void signedBodiesNotYetVerifiedAreBoundedTogether() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int index = 0; index < 2; index++) {
                held.add(new RawHttp(port()).postHead("/hooks/grafana", THIRTY_TWO_MIB,
                        "X-Grafana-Alerting-Signature: 0123abcd"));
            }
            Thread.sleep(300);
            try (RawHttp third = new RawHttp(port())) {
                String answer = third.postHead("/hooks/grafana", THIRTY_TWO_MIB, "X-Grafana-Alerting-Signature: 0123abcd")
                        .answer(5_000);

                assertThat(answer).startsWith("HTTP/1.1 503 ");
                assertThat(answer).contains("Retry-After: 5");
                assertThat(answer).contains("Quench holds at most 67108864 bytes of signed bodies whose signature is not "
                        + "yet checked; nothing of this delivery was recorded");
            }
        } finally {
            for (RawHttp client : held) {
                client.close();
            }
        }
        Thread.sleep(3_000); // the held requests time out (ingest.requestTimeout: 2s) and give their room back
        byte[] body = dev.quench.core.testing.EngineHarness.resource("fixtures/alerts/grafana-firing-cachehitrate.json");
        HttpResponse<String> signed = engine.post("/hooks/grafana", body, "X-Grafana-Alerting-Signature",
                Signatures.hmacHex("s3cret", body));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
    }

    @Test
    void anApiBodyOverOneMebibyteIs413WithTheLimit() throws Exception {
        byte[] body = ("{\"runbook\": \"x\", \"pad\": \"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = engine.postWithToken("/api/v1/runs", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(IngestEngine.json(response).path("detail").asText())
                .isEqualTo("/api/v1 takes bodies of 1048576 bytes at most (ingest.apiBodyLimit); this one has " + body.length);
    }

    @Test
    void aClientThatTricklesItsHeadersIsCut() throws Exception {
        try (RawHttp client = new RawHttp(port())) {
            client.send("POST /hooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            boolean closed = false;
            for (int index = 0; index < 40 && !closed; index++) {
                try {
                    client.send(("X-Slow-" + index + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    closed = true; // the server closed the connection under the trickle
                    break;
                }
                closed = client.closedByServerWithin(250);
            }

            assertThat(closed).as("the connection is closed after ingest.idleTimeout (2s)").isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_000L, 8_000L);
        }
    }

    @Test
    void aClientThatTricklesItsBodyGets408AndIsCut() throws Exception {
        try (RawHttp client = new RawHttp(port())) {
            client.postHead("/hooks/alertmanager", 10_000,
                    "Authorization: Bearer " + engine.harness.engine().apiToken().value());
            StringBuilder answer = new StringBuilder();
            for (int index = 0; index < 40; index++) {
                try {
                    client.send(" ".getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException e) {
                    break;
                }
                answer.append(client.answer(250));
                if (answer.indexOf("HTTP/1.1") >= 0) {
                    break;
                }
            }

            assertThat(answer.toString()).startsWith("HTTP/1.1 408 ");
            assertThat(answer.toString()).contains("ingest.requestTimeout");
            assertThat(client.closedByServerWithin(5_000)).isTrue();
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAndCounted() throws Exception {
        long before = engine.harness.getJson("/api/v1/ingest").path("refusedConnections").asLong();
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int index = 0; index < 12; index++) {
                held.add(new RawHttp(port()));
            }
            Thread.sleep(200);
            try (RawHttp extra = new RawHttp(port())) {
                assertThat(extra.closedByServerWithin(1_000)).as("the 13th connection").isTrue();
            }
        } finally {
            for (RawHttp client : held) {
                client.close();
            }
        }
        Thread.sleep(200);

        assertThat(engine.harness.getJson("/api/v1/ingest").path("refusedConnections").asLong()).isGreaterThan(before);
        assertThat(engine.harness.get("/health/live").statusCode()).isEqualTo(200);
    }
}
