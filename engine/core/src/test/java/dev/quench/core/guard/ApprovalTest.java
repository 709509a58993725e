package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.cli.QuenchMain;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.CapturedStdout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs of a runbook with approval required wait for a person; approve, reject, cancel and timeouts. */
class ApprovalTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private GuardEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = GuardEngine.start(temp, Map.of("restart", """
                name: restart-db
                toil: {manualMinutes: 15}
                triggers:
                  alert:
                    matchers: ['alertname="DbDown"']
                approval: {required: true, timeout: 1h}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restarted"}}
                """));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private RunRecord awaitingRun() throws Exception {
        List<RunRecord> runs = engine.settled();
        assertThat(runs).singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.AWAITING_APPROVAL);
        return runs.getFirst();
    }

    @Test
    void aRunWaitsForApprovalAndStartsOnceApproved() throws Exception {
        engine.fire("DbDown", "db-1:9100", "fp-1");
        RunRecord waiting = awaitingRun();
        assertThat(waiting.message()).startsWith("waiting for approval: quench runs approve " + waiting.id())
                .contains("rejected if nobody decides by ");
        assertThat(engine.harness.run(waiting.id()).steps()).isEmpty();
        assertThat(engine.harness.getJson("/api/v1/status").path("awaitingApproval").asInt()).isEqualTo(1);

        GuardEngine.Answer approved = engine.post("/api/v1/runs/" + waiting.id() + "/approve",
                "{\"reason\": \"db-1 is safe to restart\"}");

        assertThat(approved.status()).isEqualTo(200);
        assertThat(engine.settled()).singleElement().satisfies(run -> {
            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.toilSavedMinutes()).isEqualTo(15);
        });
        JsonNode decisions = engine.harness.getJson("/api/v1/runs/" + waiting.id() + "/decisions").path("decisions");
        assertThat(decisions).singleElement().satisfies(decision -> {
            assertThat(decision.path("action").asText()).isEqualTo("approve");
            assertThat(decision.path("actor").asText()).isEqualTo("admin");
            assertThat(decision.path("reason").asText()).isEqualTo("db-1 is safe to restart");
        });
        GuardEngine.Answer again = engine.post("/api/v1/runs/" + waiting.id() + "/approve", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("detail").asText()).isEqualTo("run " + waiting.id()
                + " is succeeded: only a run that is awaiting_approval can be approved");
    }

    @Test
    void aRejectedRunNeverStartsAndSavesNothing() throws Exception {
        engine.fire("DbDown", "db-1:9100", "fp-1");
        RunRecord waiting = awaitingRun();

        assertThat(engine.post("/api/v1/runs/" + waiting.id() + "/reject",
                "{\"reason\": \"maintenance window\"}").status()).isEqualTo(200);

        RunRecord rejected = engine.harness.run(waiting.id());
        assertThat(rejected.status()).isEqualTo(RunStatus.REJECTED);
        assertThat(rejected.message()).isEqualTo("rejected by admin: maintenance window");
        assertThat(rejected.steps()).isEmpty();
        assertThat(engine.post("/api/v1/runs/no-such-run/reject", "").status()).isEqualTo(404);
    }

    @Test
    void theCliApprovesAndCancelsRunsOnTheServer() throws Exception {
        engine.fire("DbDown", "db-1:9100", "fp-1");
        RunRecord first = awaitingRun();
        String server = "http://127.0.0.1:" + engine.harness.engine().port();
        Path token = temp.resolve("data/quench.token");

        int cancelled = QuenchMain.run("runs", "cancel", first.id(), "--server", server, "--token-file",
                token.toString(), "--reason", "duplicate page");

        assertThat(cancelled).isZero();
        assertThat(stdout.text()).contains("run " + first.id() + ": cancelled — cancelled by admin: duplicate page");
        engine.fire("DbDown", "db-1:9100", "fp-2");
        RunRecord second = engine.settled().stream().filter(run -> run.status() == RunStatus.AWAITING_APPROVAL)
                .findFirst().orElseThrow();
        assertThat(QuenchMain.run("runs", "approve", second.id(), "--server", server, "--token-file",
                token.toString())).isZero();
        assertThat(engine.settled()).filteredOn(run -> run.id().equals(second.id()))
                .singleElement().extracting(RunRecord::status).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(QuenchMain.run("runs", "reject", second.id(), "--server", server, "--token-file",
                token.toString())).as("a finished run cannot be rejected").isEqualTo(1);
    }

    @Test
    void aResolvedAlertCancelsItsRunAwaitingApproval() throws Exception {
        engine.fire("DbDown", "db-1:9100", "fp-1");
        RunRecord waiting = awaitingRun();
        String resolved = """
                {"version": "4", "status": "resolved", "alerts": [{"status": "resolved",
                  "labels": {"alertname": "DbDown", "instance": "db-1:9100"}, "fingerprint": "fp-1",
                  "startsAt": "2026-11-21T10:00:00Z"}]}""";

        assertThat(engine.harness.post("/hooks/alertmanager", resolved.getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(202);

        engine.settled();
        RunRecord cancelled = engine.harness.run(waiting.id());
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.message()).contains("the alert resolved");
    }

    @Test
    void aRunNobodyApprovesInTimeIsRejected() throws Exception {
        engine.fire("DbDown", "db-1:9100", "fp-1");
        RunRecord waiting = awaitingRun();
        var store = engine.harness.engine().store();
        var runbooks = engine.harness.engine().runbooks();

        RunControl now = new RunControl(store, Clock.systemUTC());
        assertThat(now.expireApprovals(runbooks::find)).as("within the hour it keeps waiting").isEmpty();
        RunControl later = new RunControl(store, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61)));
        assertThat(later.expireApprovals(runbooks::find)).containsExactly(waiting.id());

        RunRecord expired = engine.harness.run(waiting.id());
        assertThat(expired.status()).isEqualTo(RunStatus.REJECTED);
        assertThat(expired.message()).isEqualTo("rejected: nobody approved it within 1h (approval.timeout of restart-db)");
        assertThat(expired.finishedAt()).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    }
}
