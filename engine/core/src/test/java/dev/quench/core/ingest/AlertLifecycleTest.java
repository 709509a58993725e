package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolved alerts cancel their queued runs; a firing alert never doubles a run in progress. */
class AlertLifecycleTest {

    @TempDir
    Path temp;

    private IngestEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = IngestEngine.start(temp, """
                executor: {maxConcurrentRuns: 1}
                """, Map.of(
                "slow", """
                        name: slow-fix
                        owner: test-team
                        toil: {manualMinutes: 5}
                        triggers:
                          alert:
                            matchers: ['alertname="Slow"']
                        steps:
                          - id: wait
                            uses: shell.exec
                            with:
                              command: sleep 1.5
                        """,
                "resolved", """
                        name: on-resolve
                        owner: test-team
                        toil: {manualMinutes: 1}
                        triggers:
                          alert:
                            matchers: ['alertname="Slow"']
                            status: resolved
                        steps:
                          - id: note
                            uses: shell.exec
                            with:
                              command: echo resolved ${{ alert.labels.instance }}
                        """));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static String alert(String instance, String status, String startsAt) {
        return """
                {"version": "4", "status": "%2$s", "alerts": [{"status": "%2$s",
                  "labels": {"alertname": "Slow", "instance": "%1$s"}, "fingerprint": "fp-%1$s",
                  "startsAt": "%3$s"}]}""".formatted(instance, status, startsAt);
    }

    private void send(String body) throws Exception {
        assertThat(engine.postWithToken("/hooks/alertmanager", body.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(202);
    }

    private List<RunRecord> runs() {
        return engine.harness.engine().store().runs().list(null, null, 100);
    }

    private void awaitRunOf(String runbook, RunStatus status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (runs().stream().noneMatch(run -> run.runbook().equals(runbook) && run.status() == status)) {
            assertThat(Instant.now()).as("waiting for a %s run of %s", status, runbook).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aResolvedAlertCancelsItsQueuedRunAndStartsItsResolvedRunbook() throws Exception {
        send(alert("a", "firing", "2026-11-21T10:00:00Z"));
        awaitRunOf("slow-fix", RunStatus.RUNNING);
        send(alert("b", "firing", "2026-11-21T10:00:00Z"));
        awaitRunOf("slow-fix", RunStatus.QUEUED);

        send(alert("b", "resolved", "2026-11-21T10:00:00Z"));

        List<RunRecord> runs = engine.harness.awaitRuns(Duration.ofSeconds(30));
        assertThat(runs).extracting(RunRecord::runbook, RunRecord::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("slow-fix", RunStatus.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("slow-fix", RunStatus.CANCELLED),
                org.assertj.core.groups.Tuple.tuple("on-resolve", RunStatus.SUCCEEDED));
        RunRecord cancelled = runs.stream().filter(run -> run.status() == RunStatus.CANCELLED).findFirst().orElseThrow();
        assertThat(cancelled.message()).contains("the alert resolved").contains("fp-b");
        assertThat(cancelled.steps()).isEmpty();
    }

    @Test
    void aFiringAlertWhoseRunIsInProgressStartsNoSecondRun() throws Exception {
        send(alert("a", "firing", "2026-11-21T10:00:00Z"));
        awaitRunOf("slow-fix", RunStatus.RUNNING);

        // Same alert, a new start time: not a re-delivery, but its run is still going.
        send(alert("a", "firing", "2026-11-21T10:05:00Z"));

        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(30))).hasSize(1);
        assertThat(engine.alerts("?status=firing")).hasSize(2);
        send(alert("a", "firing", "2026-11-21T10:10:00Z"));
        assertThat(engine.harness.awaitRuns(Duration.ofSeconds(30))).as("once the first run ended, a new one may start")
                .hasSize(2);
    }

    @Test
    void alertsCanBeFilteredByStatusSourceMatchedSinceAndLimit() throws Exception {
        send(alert("a", "firing", "2026-11-21T10:00:00Z"));
        send("""
                {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                  "labels": {"alertname": "Unhandled"}, "fingerprint": "u"}]}""");
        engine.harness.awaitRuns(Duration.ofSeconds(30));
        send(alert("a", "resolved", "2026-11-21T10:00:00Z"));
        engine.harness.awaitRuns(Duration.ofSeconds(30));

        assertThat(engine.alerts("")).hasSize(3);
        assertThat(engine.alerts("?status=resolved")).hasSize(1);
        assertThat(engine.alerts("?status=firing&matched=false").findValuesAsText("alertname")).containsExactly("Unhandled");
        assertThat(engine.alerts("?matched=true")).hasSize(2);
        assertThat(engine.alerts("?source=alertmanager&limit=2")).hasSize(2);
        assertThat(engine.alerts("?source=grafana")).isEmpty();
        assertThat(engine.alerts("?since=1h")).hasSize(3);
        assertThat(engine.alerts("?since=2999-01-01T00:00:00Z")).isEmpty();
        assertThat(engine.harness.get("/api/v1/alerts?status=burning").statusCode()).isEqualTo(400);
        assertThat(engine.harness.get("/api/v1/alerts?since=yesterday").statusCode()).isEqualTo(400);
    }
}
