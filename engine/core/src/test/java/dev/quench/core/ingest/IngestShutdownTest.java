package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StoreSql;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping Quench while alerts arrive: what was answered 202 but not yet expanded from the journal
 * is stored and run exactly once after the restart, and a delivery that arrives while Quench stops
 * is answered (503 with Retry-After) or its connection closed, promptly, never left hanging.
 */
class IngestShutdownTest {

    private static final byte[] FIXTURE = resource("fixtures/alerts/alertmanager-firing-diskspacelow.json");

    @TempDir
    Path temp;

    private final List<IngestEngine> engines = new ArrayList<>();

    @AfterEach
    void stop() {
        SlowStoreTrigger.broken = false;
        SlowStoreTrigger.release.countDown();
        engines.forEach(IngestEngine::close);
    }

    private IngestEngine start(boolean journal) throws Exception {
        IngestEngine engine = IngestEngine.start(temp, "ingest: {journal: " + journal + "}\n",
                Map.of("disk", IngestEngine.RUNBOOK_DISK));
        engines.add(engine);
        return engine;
    }

    private static long count(IngestEngine engine, String sql) {
        return StoreSql.jdbi(engine.harness.engine().store())
                .withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void alertsJournaledButNotYetExpandedAtTheStopAreStoredAndRunExactlyOnceAfterTheRestart() throws Exception {
        SlowStoreTrigger.reset();
        IngestEngine first = start(true);
        SlowStoreTrigger.install(first.harness.engine().store());
        // The alert table refuses writes: the journal (what a 202 waits for) still takes them.
        SlowStoreTrigger.broken = true;

        HttpResponse<String> accepted = first.postWithToken("/hooks/alertmanager", FIXTURE);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(IngestEngine.json(accepted).path("new").asInt()).isEqualTo(2);
        assertThat(first.harness.getJson("/api/v1/ingest").path("journalAlerts").asLong()).isEqualTo(2);
        assertThat(IngestEngine.json(first.postWithToken("/hooks/alertmanager", FIXTURE)).path("duplicates").asInt())
                .as("a re-delivery of alerts still in the journal").isEqualTo(2);
        assertThat(count(first, "select count(*) from alert")).isZero();
        first.close();
        engines.remove(first);

        SlowStoreTrigger.broken = false;
        SlowStoreTrigger.release.countDown();
        IngestEngine second = start(false); // the journal switched off meanwhile: leftovers are still stored
        List<RunRecord> runs = second.harness.awaitRuns(Duration.ofSeconds(60));

        assertThat(runs).hasSize(2).allSatisfy(run -> assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED));
        assertThat(count(second, "select count(*) from alert")).isEqualTo(2);
        assertThat(second.harness.getJson("/api/v1/ingest").path("journalAlerts").asLong()).isZero();
        HttpResponse<String> again = second.postWithToken("/hooks/alertmanager", FIXTURE);
        assertThat(IngestEngine.json(again).path("duplicates").asInt()).as(again.body()).isEqualTo(2);
        assertThat(second.harness.awaitRuns(Duration.ofSeconds(60))).as("a re-delivery starts nothing").hasSize(2);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "journal: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void deliveriesArrivingWhileQuenchStopsAreAnsweredPromptlyAndNothingAcceptedIsLost(boolean journal)
            throws Exception {
        IngestEngine first = start(journal);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        try {
            for (int delivery = 0; delivery < 400; delivery++) {
                byte[] body = AlertmanagerGroups.group("Stopping" + delivery, 1, "firing", 0);
                responses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return first.postWithToken("/hooks/alertmanager", body);
                    } catch (IOException | InterruptedException e) {
                        throw new CompletionException(e);
                    }
                }, senders));
            }
            // Stop while the senders are still sending.
            while (responses.stream().filter(CompletableFuture::isDone).count() < 20) {
                Thread.sleep(5);
            }
            first.close();
            engines.remove(first);

            int acceptedAlerts = 0;
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                try {
                    HttpResponse<String> answer = response.get(60, TimeUnit.SECONDS);
                    assertThat(answer.statusCode()).as(answer.body()).isIn(202, 503);
                    if (answer.statusCode() == 503) {
                        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                    } else {
                        acceptedAlerts += IngestEngine.json(answer).path("new").asInt();
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // A closed connection is fine (the sender retries); a request left hanging is not.
                    Throwable cause = e.getCause();
                    while (cause instanceof CompletionException && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    assertThat(cause).isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
                }
            }
            assertThat(acceptedAlerts).isPositive();

            IngestEngine second = start(journal);
            second.harness.awaitIngested(Duration.ofSeconds(60));
            // Only Stopping alerts were sent, and they match no runbook: most are stored in bulk.
            assertThat(second.harness.engine().store().alerts().count())
                    // More is fine: a delivery committed as its connection closed is re-sent and is then a duplicate.
                    .as("every alert answered 202 is stored").isGreaterThanOrEqualTo(acceptedAlerts);
        } finally {
            senders.shutdownNow();
        }
    }
}
