package dev.quench.core.engine;

import static dev.quench.core.testing.EngineHarness.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.core.config.QuenchConfig;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's whole path, for real: the Alertmanager fixture is posted to a running engine,
 * the shipped disk-full-log-cleanup runbook matches, its steps run over SSH against a real SSH
 * server on loopback, and the run and the toil it saved are recorded.
 */
class AlertToSshRemediationTest {

    /** The runbook library that ships with Quench, at the top of the repository. */
    private static final Path SHIPPED_RUNBOOKS = Path.of("../../runbooks");

    @TempDir
    Path temp;

    private LoopbackSshServer ssh;
    private EngineHarness harness;
    private Path logDir;
    private List<Path> oldLogs;

    @BeforeEach
    void start() throws Exception {
        logDir = Files.createDirectories(temp.resolve("var/log/app"));
        Instant tenDaysAgo = Instant.now().minus(Duration.ofDays(10));
        oldLogs = List.of(logDir.resolve("app.log.3.gz"), logDir.resolve("app.log.4.gz"), logDir.resolve("access.log.9.gz"));
        for (Path file : oldLogs) {
            Files.writeString(file, "old");
            Files.setLastModifiedTime(file, FileTime.from(tenDaysAgo));
        }
        Files.writeString(logDir.resolve("app.log.1.gz"), "recent");
        Files.writeString(logDir.resolve("app.log"), "current");
        ssh = LoopbackSshServer.start(Files.createDirectories(temp.resolve("ssh")));
        harness = EngineHarness.start(config(ssh.port()));
    }

    private QuenchConfig config(int sshPort) throws Exception {
        Path inventory = temp.resolve("inventory.yaml");
        Files.writeString(inventory, """
                hosts:
                  web-7: {address: 127.0.0.1, port: %d}
                  web-9: {address: 127.0.0.1, port: %d}
                """.formatted(sshPort, sshPort));
        ObjectNode sshSettings = Json.yaml().createObjectNode()
                .put("knownHosts", ssh.knownHosts().toString())
                .put("identity", ssh.clientKey().toString())
                .put("user", System.getProperty("user.name"));
        return EngineHarness.config(temp.resolve("data"), SHIPPED_RUNBOOKS)
                .withInventory(inventory)
                .withSections(Map.<String, JsonNode>of("ssh", sshSettings))
                .withRunbookParams(Map.of("disk-full-log-cleanup", Map.of("logDir", logDir.toString())));
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void firingAlertDeletesOldLogsOverSshAndRecordsTheRunAndToil() throws Exception {
        HttpResponse<String> response = harness.post("/hooks/alertmanager",
                resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(Json.json().readTree(response.body()).path("new").asInt()).isEqualTo(2);
        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));

        assertThat(oldLogs).noneMatch(Files::exists);
        assertThat(logDir.resolve("app.log.1.gz")).exists();
        assertThat(logDir.resolve("app.log")).exists();
        assertThat(runs).hasSize(2).allSatisfy(run -> {
            assertThat(run.status()).as(run.message()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.runbook()).isEqualTo("disk-full-log-cleanup");
        });
        // Both alerts came in one Alertmanager group ({}:{alertname="DiskSpaceLow"}): one incident, whose toil the
        // runbook is credited once, by the run that finished first.
        assertThat(runs).extracting(RunRecord::toilSavedMinutes).containsExactlyInAnyOrder(20, 0);
        assertThat(runs).extracting(RunRecord::triggerDetail)
                .anySatisfy(detail -> assertThat(detail).contains("web-7:9100"))
                .anySatisfy(detail -> assertThat(detail).contains("web-9:9100"));

        RunRecord first = runs.stream().filter(run -> run.triggerDetail().contains("web-7")).findFirst().orElseThrow();
        RunRecord recorded = harness.run(first.id());
        assertThat(recorded.steps()).extracting(StepRecord::stepId).containsExactly("usage_before", "clean", "verify");
        StepRecord clean = recorded.steps().get(1);
        assertThat(clean.status()).isEqualTo("succeeded");
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.rendered().get("host")).isEqualTo("web-7");
        assertThat((String) clean.rendered().get("command")).startsWith("find " + logDir + " -ignore_readdir_race -type f -name '*.gz'");
        assertThat(clean.finishedAt()).isAfterOrEqualTo(clean.startedAt());

        ToilReport report = harness.engine().ledger().report(Instant.now().minus(Duration.ofDays(1)), ToilGrouping.RUNBOOK);
        assertThat(report.rows()).singleElement().satisfies(row -> {
            assertThat(row.key()).isEqualTo("disk-full-log-cleanup");
            assertThat(row.runs()).isEqualTo(2);
            assertThat(row.minutesSaved()).isEqualTo(20);
        });
    }

    @Test
    void reDeliveredNotificationStartsNoSecondRunAndCountsToilOnce() throws Exception {
        byte[] fixture = resource("fixtures/alerts/alertmanager-firing-diskspacelow.json");
        assertThat(harness.post("/hooks/alertmanager", fixture).statusCode()).isEqualTo(202);
        harness.awaitRuns(Duration.ofSeconds(60));

        HttpResponse<String> again = harness.post("/hooks/alertmanager", fixture);

        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(Json.json().readTree(again.body()).path("duplicates").asInt()).isEqualTo(2);
        assertThat(harness.awaitRuns(Duration.ofSeconds(60))).hasSize(2);
        ToilReport report = harness.engine().ledger().report(Instant.now().minus(Duration.ofDays(1)), ToilGrouping.TEAM);
        assertThat(report.rows()).singleElement().satisfies(row -> {
            assertThat(row.key()).isEqualTo("storage-team");
            assertThat(row.minutesSaved()).as("one Alertmanager group, one incident, credited once").isEqualTo(20);
        });
    }

    @Test
    void runsAreVisibleThroughTheApi() throws Exception {
        harness.post("/hooks/alertmanager", resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));
        harness.awaitRuns(Duration.ofSeconds(60));

        JsonNode list = harness.getJson("/api/v1/runs?status=succeeded");
        assertThat(list.path("runs")).hasSize(2);
        String id = list.path("runs").get(0).path("id").asText();
        JsonNode run = harness.getJson("/api/v1/runs/" + id);

        assertThat(run.path("status").asText()).isEqualTo("succeeded");
        assertThat(run.path("steps")).hasSize(3);
        assertThat(run.path("steps").get(1).path("rendered").path("command").asText()).contains("-delete");
        assertThat(list.path("runs").get(0).path("toilSavedMinutes").asInt()
                + list.path("runs").get(1).path("toilSavedMinutes").asInt())
                .as("two runs of one incident (one Alertmanager group): its toil once").isEqualTo(20);
        assertThat(run.path("toilSavedMinutes").asInt()).isIn(0, 20);
        assertThat(harness.get("/api/v1/runs/no-such-run").statusCode()).isEqualTo(404);
    }

    @Test
    void aFiveStepRunOnOneHostOpensOneSshConnection() throws Exception {
        harness.post("/hooks/alertmanager", resource("fixtures/alerts/alertmanager-firing-diskspacelow.json"));
        harness.awaitRuns(Duration.ofSeconds(60));

        // Two alerts, two runs, three steps each: one connection per run, not per step.
        assertThat(ssh.sessionsOpened()).isEqualTo(2);
    }
}
