package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StoreSql;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group commit: deliveries that wait while the store is busy are committed together; each is
 * answered 202 only after that commit, all of them 503 when it fails, and a notification sent
 * several times into the same batch is still stored once and runs once.
 */
class GroupCommitTest {

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        SlowStoreTrigger.reset();
        // The store-direct path (ingest.journal: false, PostgreSQL's default): a 202 waits for the alert rows.
        engine = IngestEngine.start(temp, "ingest: {journal: false}\n", Map.of("fix", """
                name: storm-fix
                owner: test-team
                toil: {manualMinutes: 5}
                triggers:
                  alert:
                    matchers: ['alertname=~"Storm.*"']
                steps:
                  - id: note
                    uses: shell.exec
                    with:
                      command: echo fixed
                """));
    }

    @AfterEach
    void stop() {
        SlowStoreTrigger.release.countDown();
        engine.close();
    }

    private void slowStore() {
        SlowStoreTrigger.install(engine.harness.engine().store());
    }

    private long storedAlerts() throws InterruptedException {
        engine.harness.awaitIngested(Duration.ofSeconds(30));
        return engine.harness.engine().store().alerts().count();
    }

    /** Holds the store with one delivery, then sends {@code body} {@code copies} times while it is held. */
    private List<CompletableFuture<HttpResponse<String>>> whileTheStoreIsBusy(byte[] body, int copies)
            throws Exception {
        slowStore();
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(() -> post(
                AlertmanagerGroups.group("Holder", 1, "firing", 0)));
        assertThat(SlowStoreTrigger.entered.await(10, TimeUnit.SECONDS)).as("the store is busy").isTrue();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        waiting.add(holder);
        for (int copy = 0; copy < copies; copy++) {
            waiting.add(CompletableFuture.supplyAsync(() -> post(body)));
        }
        // Let every copy reach the writer's queue: they then form the next batch together.
        Thread.sleep(1_500);
        return waiting;
    }

    private long count(String sql) {
        return StoreSql.jdbi(engine.harness.engine().store())
                .withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
    }

    private HttpResponse<String> post(byte[] body) {
        try {
            return engine.postWithToken("/hooks/alertmanager", body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSameNotificationSentSeveralTimesIntoOneBatchIsStoredOnceAndRunsOnce() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses =
                whileTheStoreIsBusy(AlertmanagerGroups.group("Storm", 1, "firing", 0), 6);

        SlowStoreTrigger.release.countDown();

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
        assertThat(storedAlerts()).isEqualTo(2);
        List<RunRecord> runs = engine.harness.awaitRuns(Duration.ofSeconds(30));
        assertThat(runs).extracting(RunRecord::runbook).containsExactly("storm-fix");
        long newAnswers = responses.stream().skip(1)
                .filter(response -> response.join().body().contains("\"new\":1")).count();
        assertThat(newAnswers).as("exactly one copy is answered as new, the rest as duplicates").isEqualTo(1);
    }

    @Test
    void whenTheBatchCommitFailsEveryDeliveryInItIsAnswered503AndNothingOfItIsStored() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        slowStore();
        CompletableFuture<HttpResponse<String>> holder = CompletableFuture.supplyAsync(() -> post(
                AlertmanagerGroups.group("Holder", 1, "firing", 0)));
        assertThat(SlowStoreTrigger.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int delivery = 0; delivery < 5; delivery++) {
            byte[] body = AlertmanagerGroups.group("Storm" + delivery, 3, "firing", 0);
            responses.add(CompletableFuture.supplyAsync(() -> post(body)));
        }
        Thread.sleep(1_500);

        SlowStoreTrigger.broken = true;
        SlowStoreTrigger.release.countDown();

        assertThat(holder.get(30, TimeUnit.SECONDS).statusCode()).as("committed before the store broke").isEqualTo(202);
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            assertThat(answer.body()).contains("disk full");
        }
        assertThat(storedAlerts()).isEqualTo(1);
        SlowStoreTrigger.broken = false;
        assertThat(post(AlertmanagerGroups.group("Storm0", 3, "firing", 0)).statusCode()).as("the sender's retry")
                .isEqualTo(202);
        assertThat(storedAlerts()).isEqualTo(4);
    }

    @Test
    void concurrentDeliveriesAreAllStoredAndMatchedNothingLost() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        // 8 senders at once: enough for commits to batch, within the client's concurrent stream limit.
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            for (int delivery = 0; delivery < 200; delivery++) {
                byte[] body = AlertmanagerGroups.group((delivery % 20 == 0 ? "Storm" : "Unhandled") + delivery,
                        10, "firing", 0);
                responses.add(CompletableFuture.supplyAsync(() -> post(body), senders));
            }
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                assertThat(response.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            }
        } finally {
            senders.shutdownNow();
        }
        assertThat(storedAlerts()).isEqualTo(2_000);
        engine.harness.awaitRuns(Duration.ofSeconds(90));
        assertThat(engine.harness.engine().dispatcher().pendingAlerts()).isZero();
        assertThat(engine.harness.engine().store().alerts().unprocessed(10)).isEmpty();
        assertThat(count("select count(*) from alert where matched_runbooks = 1")).as("Storm alerts matched").isEqualTo(100);
        assertThat(count("select count(*) from alert where processed and matched_runbooks = 0"))
                .as("no unmatched firing alert takes a row of its own").isZero();
        assertThat(count("select coalesce(sum(alert_count), 0) from alert_chunk"))
                .as("the rest are manual toil, stored in bulk").isEqualTo(1_900);
        assertThat(engine.harness.engine().store().alerts().unmatchedFiringByName(java.time.Instant.EPOCH))
                .as("the toil ledger counts them by name").hasSize(190).containsEntry("Unhandled1", 10)
                .allSatisfy((name, count) -> assertThat(count).isEqualTo(10));
        assertThat(count("select count(*) from run where runbook = 'storm-fix' and status = 'succeeded'"))
                .as("one run per Storm alert").isEqualTo(100);
        com.fasterxml.jackson.databind.JsonNode ingest = engine.harness.getJson("/api/v1/ingest");
        assertThat(ingest.path("storedAlerts").asLong()).as("rows and bulk alike").isEqualTo(2_000);
        assertThat(ingest.path("redeliveryKeys").asLong()).as("every alert stored is remembered").isEqualTo(2_000);
    }
}
