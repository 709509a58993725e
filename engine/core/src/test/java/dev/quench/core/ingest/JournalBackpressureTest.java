package dev.quench.core.ingest;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.StoreSql;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the ingest journal on, alerts answered 202 but not yet expanded into the alert table count
 * against {@code ingest.maxPendingAlerts}: a backlog behind the journal is refused with 503, never
 * accepted and dropped, and is taken once the expansion catches up.
 */
class JournalBackpressureTest {

    @TempDir
    Path temp;

    private IngestEngine engine;

    @AfterEach
    void stop() {
        SlowStoreTrigger.broken = false;
        SlowStoreTrigger.release.countDown();
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void alertsWaitingInTheJournalFillTheIntakeAndAreStoredOnceTheAlertTableTakesWritesAgain() throws Exception {
        SlowStoreTrigger.reset();
        engine = IngestEngine.start(temp, "ingest: {journal: true, maxPendingAlerts: 2, retryAfterSeconds: 7}\n",
                Map.of("disk", IngestEngine.RUNBOOK_DISK));
        SlowStoreTrigger.install(engine.harness.engine().store());
        SlowStoreTrigger.broken = true;

        HttpResponse<String> journaled = engine.postWithToken("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));
        assertThat(journaled.statusCode()).as(journaled.body()).isEqualTo(202);
        byte[] second = AlertmanagerGroups.group("Second", 1, "firing", 0);
        HttpResponse<String> refused = engine.postWithToken("/hooks/alertmanager", second);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(engine.harness.getJson("/api/v1/ingest").path("journalAlerts").asLong()).isEqualTo(2);

        SlowStoreTrigger.broken = false;
        SlowStoreTrigger.release.countDown();
        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(30))).hasSize(2);
        assertThat(engine.postWithToken("/hooks/alertmanager", second).statusCode()).as("the sender's retry")
                .isEqualTo(202);
        engine.harness.awaitIngested(Duration.ofSeconds(30));
        assertThat(engine.harness.engine().store().alerts().count()).isEqualTo(3);
    }

    @Test
    void whileTheStoreCannotBeReadAlertsAreStillAcceptedAndRunOnceWhenItIsBack() throws Exception {
        engine = IngestEngine.start(temp, "ingest: {journal: true}\n", Map.of("disk", IngestEngine.RUNBOOK_DISK));
        byte[] fixture = resource("fixtures/alerts/alertmanager-firing-diskspacelow.json");
        assertThat(engine.postWithToken("/hooks/alertmanager", fixture).statusCode()).isEqualTo(202);
        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(30))).hasSize(2);
        // The alert tables are gone: look-ups and inserts fail, as with a store that is down.
        StoreSql.jdbi(engine.harness.engine().store()).useHandle(handle -> {
            handle.execute("alter table alert rename to alert_away");
            handle.execute("alter table alert_id rename to alert_id_away");
        });

        HttpResponse<String> unchecked = engine.postWithToken("/hooks/alertmanager", fixture);
        HttpResponse<String> fresh = engine.postWithToken("/hooks/alertmanager",
                AlertmanagerGroups.group("WhileDown", 1, "firing", 0));

        assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(202);
        assertThat(IngestEngine.json(unchecked).path("duplicates").asInt())
                .as("alerts stored lately are recognised from memory, store or not").isEqualTo(2);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(202);
        assertThat(engine.harness.getJson("/api/v1/ingest").path("journalAlerts").asLong())
                .as("the new alert waits in the journal").isEqualTo(1);

        StoreSql.jdbi(engine.harness.engine().store()).useHandle(handle -> {
            handle.execute("alter table alert_away rename to alert");
            handle.execute("alter table alert_id_away rename to alert_id");
        });
        engine.harness.awaitIngested(Duration.ofSeconds(30));
        assertThat(engine.harness.engine().store().alerts().count())
                .as("the new alert is stored once the store is back").isEqualTo(3);
        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(30))).as("the re-delivery started nothing").hasSize(2);
    }
}
