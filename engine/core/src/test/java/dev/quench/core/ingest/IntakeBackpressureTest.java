package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the store falls behind, senders get 503 + Retry-After and nothing is accepted then dropped
 * (the store-direct path, {@code ingest.journal: false}; the journal's is JournalBackpressureTest).
 */
class IntakeBackpressureTest {

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        SlowStoreTrigger.reset();
        engine = IngestEngine.start(temp, """
                ingest: {maxPendingAlerts: 2, retryAfterSeconds: 7, journal: false}
                """, Map.of());
        SlowStoreTrigger.install(engine.harness.engine().store());
    }

    @AfterEach
    void stop() {
        SlowStoreTrigger.release.countDown();
        engine.close();
    }

    private int storedAlerts() throws InterruptedException {
        engine.harness.awaitIngested(java.time.Duration.ofSeconds(30));
        // Every alert, in its own row or stored in bulk (unmatched firing alerts).
        return (int) engine.harness.engine().store().alerts().count();
    }

    @Test
    void aFullIntakeAnswers503WithRetryAfterAndTheRetryIsAccepted() throws Exception {
        byte[] first = resource("fixtures/alerts/alertmanager-firing-diskspacelow.json");
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(engine.harness.uri("/hooks/alertmanager"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + engine.harness.engine().apiToken().value())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(first)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(SlowStoreTrigger.entered.await(10, TimeUnit.SECONDS)).as("the store is busy").isTrue();

        byte[] second = AlertmanagerGroups.group("Second", 1, "firing", 0);
        HttpResponse<String> refused = engine.postWithToken("/hooks/alertmanager", second);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(refused.body()).contains("ingest.maxPendingAlerts");
        SlowStoreTrigger.release.countDown();
        HttpResponse<String> accepted = slow.get(10, TimeUnit.SECONDS);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(storedAlerts()).isEqualTo(2);
        engine.harness.awaitRuns(Duration.ofSeconds(10));
        assertThat(engine.harness.engine().dispatcher().pendingAlerts()).isZero();
        assertThat(engine.postWithToken("/hooks/alertmanager", second).statusCode()).as("the sender's retry")
                .isEqualTo(202);
        assertThat(storedAlerts()).isEqualTo(3);
        assertThat(engine.harness.getJson("/api/v1/ingest").path("refusedWhileFull").asLong()).isEqualTo(1);
    }

    @Test
    void aStoreFailureIs503SoTheSenderRetries() throws Exception {
        SlowStoreTrigger.broken = true;

        HttpResponse<String> response = engine.postWithToken("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.body()).contains("disk full");
        SlowStoreTrigger.broken = false;
        SlowStoreTrigger.release.countDown();
        assertThat(storedAlerts()).isZero();
        assertThat(engine.postWithToken("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json")).statusCode()).isEqualTo(202);
        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(10))).isEmpty();
    }
}
