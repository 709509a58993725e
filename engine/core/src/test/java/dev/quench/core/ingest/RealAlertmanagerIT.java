package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.ConfigLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.testkit.AlertmanagerProcess;
import dev.quench.testkit.PeerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real sender: Debian's {@code prometheus-alertmanager} posts to Quench with its own bearer
 * token. A firing alert becomes one run, its resolution is recorded, and an alert sent while Quench
 * is down arrives (once) when it comes up, because Alertmanager retries what it could not deliver.
 */
class RealAlertmanagerIT {

    private static final String TOKEN = "am-token-5b1f0c";

    @TempDir
    Path temp;

    private Path tokenFile;

    @BeforeEach
    void requireAlertmanager() throws Exception {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(AlertmanagerProcess.available(),
                    "CI must install prometheus-alertmanager (.ci/run does)");
        }
        Assumptions.assumeTrue(AlertmanagerProcess.available(), "install prometheus-alertmanager to run this test");
        tokenFile = Files.writeString(temp.resolve("am.token"), TOKEN + "\n");
    }

    @Test
    void aFiringAlertRunsItsRunbookOnceAndItsResolutionIsRecorded() throws Exception {
        try (EngineHarness quench = startQuench(0);
             AlertmanagerProcess alertmanager = AlertmanagerProcess.start(temp.resolve("am"),
                     quench.uri("/hooks/alertmanager").toString(), tokenFile)) {
            Instant startsAt = Instant.now().minusSeconds(60);
            alertmanager.postAlerts(alert(startsAt, null));

            RunRecord run = awaitRun(quench, alertmanager, r -> r.status() == RunStatus.SUCCEEDED);
            assertThat(run.runbook()).isEqualTo("echo-disk");
            assertThat(run.steps()).singleElement().satisfies(step ->
                    assertThat(step.stdout()).isEqualTo("web-7:9100\n"));

            alertmanager.postAlerts(alert(startsAt, Instant.now()));
            awaitAlerts(quench, alertmanager, "?status=resolved", 1);

            JsonNode firing = quench.getJson("/api/v1/alerts?status=firing").path("alerts");
            assertThat(firing).hasSize(1);
            assertThat(firing.get(0).path("alert").path("source").asText()).isEqualTo("alertmanager");
            assertThat(firing.get(0).path("alert").path("labels").path("severity").asText()).isEqualTo("critical");
            // Alertmanager's own groupKey (route {} grouped by alertname and instance) is kept and makes the incident.
            String groupKey = firing.get(0).path("alert").path("groupKey").asText();
            assertThat(groupKey).startsWith("{}:{").contains("instance=\"web-7:9100\"");
            JsonNode incidents = quench.getJson("/api/v1/incidents").path("incidents");
            assertThat(incidents).hasSize(1);
            assertThat(incidents.get(0).path("groupKey").asText()).isEqualTo("@alertmanager:" + groupKey);
            assertThat(quench.awaitRuns(Duration.ofSeconds(30))).as("the resolution starts no second run").hasSize(1);
        }
    }

    @Test
    void anAlertSentWhileQuenchIsDownArrivesOnceWhenItComesUp() throws Exception {
        int port = PeerProcess.freePort();
        try (AlertmanagerProcess alertmanager = AlertmanagerProcess.start(temp.resolve("am"),
                "http://127.0.0.1:" + port + "/hooks/alertmanager", tokenFile)) {
            alertmanager.postAlerts(alert(Instant.now().minusSeconds(60), null));
            awaitLog(alertmanager, "connection refused");

            try (EngineHarness quench = startQuench(port)) {
                awaitRun(quench, alertmanager, r -> r.status() == RunStatus.SUCCEEDED);
                // Give Alertmanager a few more group intervals: it must not deliver a second time.
                Thread.sleep(3_000);
                assertThat(quench.awaitRuns(Duration.ofSeconds(30))).hasSize(1);
                assertThat(quench.getJson("/api/v1/alerts").path("alerts")).hasSize(1);
            }
        }
    }

    private EngineHarness startQuench(int port) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        Path config = Files.writeString(temp.resolve("quench.yaml"), """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: %d}
                sources:
                  alertmanager:
                    auth: {bearerTokenFile: %s}
                """.formatted(port, tokenFile));
        return EngineHarness.start(ConfigLoader.load(config, temp.resolve("data")));
    }

    private static String alert(Instant startsAt, Instant endsAt) {
        return """
                [{"labels": {"alertname": "DiskSpaceLow", "instance": "web-7:9100", "severity": "critical"},
                  "annotations": {"summary": "Disk almost full on web-7"},
                  "startsAt": "%s"%s,
                  "generatorURL": "http://prometheus.example/graph"}]"""
                .formatted(startsAt, endsAt == null ? "" : ", \"endsAt\": \"" + endsAt + "\"");
    }

    private static RunRecord awaitRun(EngineHarness quench, AlertmanagerProcess alertmanager,
                                      Predicate<RunRecord> wanted) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            List<RunRecord> runs = quench.engine().store().runs().list(null, null, 10);
            for (RunRecord run : runs) {
                if (wanted.test(run)) {
                    return quench.run(run.id());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no such run after 30 s; runs: " + runs + "\nalertmanager log:\n"
                        + alertmanager.log());
            }
            Thread.sleep(50);
        }
    }

    private static void awaitAlerts(EngineHarness quench, AlertmanagerProcess alertmanager, String query, int count)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (quench.getJson("/api/v1/alerts" + query).path("alerts").size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("fewer than " + count + " alerts " + query + " after 30 s\nalertmanager log:\n"
                        + alertmanager.log());
            }
            Thread.sleep(50);
        }
    }

    private static void awaitLog(AlertmanagerProcess alertmanager, String text) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!alertmanager.log().contains(text)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("alertmanager never logged '" + text + "':\n" + alertmanager.log());
            }
            Thread.sleep(50);
        }
    }
}
