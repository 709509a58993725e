package dev.quench.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.cli.QuenchMain;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Guards refuse runs, with the reason on record, for alert, manual and scheduled runs alike. */
class RunGuardsTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    private GuardEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aCooldownRefusesASecondRunForTheSameKeyAndAdmitsOtherKeys() throws Exception {
        engine = GuardEngine.start(temp, Map.of("restart", """
                name: restart-web
                owner: web-team
                toil: {manualMinutes: 10}
                triggers:
                  alert:
                    matchers: ['alertname="WebDown"']
                guards:
                  cooldown: 30m
                  dedupeKey: ${{ host(alert.labels.instance) }}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restarted"}}
                """));

        engine.fire("WebDown", "web-1:9100", "fp-1");
        engine.settled();
        engine.fire("WebDown", "web-1:9200", "fp-2"); // another alert, same host: same dedupe key
        engine.fire("WebDown", "web-2:9100", "fp-3");
        List<RunRecord> runs = engine.settled();

        assertThat(runs).extracting(RunRecord::triggerDetail, RunRecord::status).containsExactlyInAnyOrder(
                tuple("WebDown web-1:9100 [fp-1]", RunStatus.SUCCEEDED),
                tuple("WebDown web-1:9200 [fp-2]", RunStatus.REFUSED),
                tuple("WebDown web-2:9100 [fp-3]", RunStatus.SUCCEEDED));
        JsonNode refused = engine.runs("?status=refused").get(0);
        assertThat(refused.path("message").asText())
                .startsWith("cooldown 30m: run ")
                .contains("for key web-1 started ")
                .contains("ago; next allowed at ");
        assertThat(refused.path("toilSavedMinutes").asInt()).isZero();
        assertThat(refused.path("steps")).isEmpty();
        ToilReport toil = engine.harness.engine().ledger().report(Instant.EPOCH, ToilGrouping.RUNBOOK);
        assertThat(toil.rows()).singleElement().satisfies(row -> {
            assertThat(row.runs()).as("a refused run is not a run in the ledger").isEqualTo(2);
            assertThat(row.minutesSaved()).isEqualTo(20);
        });
        assertThat(QuenchMain.run("runs", "list", "--status", "refused", "--server",
                "http://127.0.0.1:" + engine.harness.engine().port(), "--token-file",
                temp.resolve("data/quench.token").toString())).isZero();
        assertThat(stdout.text()).contains("refused").contains("restart-web")
                .contains("alert: WebDown web-1:9200 [fp-2] — cooldown 30m: run ");
    }

    @Test
    void maxRunsPerHourRefusesManualRunsOverTheBudgetUnlessForced() throws Exception {
        engine = GuardEngine.start(temp, Map.of("flush", """
                name: flush-cache
                guards: {maxRunsPerHour: 2}
                steps:
                  - {id: flush, uses: shell.exec, with: {command: "echo flushed"}}
                """));

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(engine.post("/api/v1/runs", "{\"runbook\": \"flush-cache\"}").status()).isEqualTo(202);
        }
        GuardEngine.Answer forced = engine.post("/api/v1/runs", "{\"runbook\": \"flush-cache\", \"force\": true}");
        List<RunRecord> runs = engine.settled();

        assertThat(runs).extracting(RunRecord::status).containsExactlyInAnyOrder(
                RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, RunStatus.REFUSED, RunStatus.SUCCEEDED);
        RunRecord refused = runs.stream().filter(run -> run.status() == RunStatus.REFUSED).findFirst().orElseThrow();
        assertThat(refused.message()).startsWith("maxRunsPerHour 2: 2 run(s) of flush-cache started in the last hour; "
                + "next allowed at ");
        assertThat(forced.status()).isEqualTo(202);
        assertThat(engine.harness.run(forced.json().path("id").asText()).triggerDetail())
                .isEqualTo("by admin (force: guards bypassed)");
    }

    @Test
    void aScheduledRunGoesThroughTheSameGuards() throws Exception {
        engine = GuardEngine.start(temp, Map.of("rotate", """
                name: rotate-logs
                guards: {cooldown: 1h}
                steps:
                  - {id: rotate, uses: shell.exec, with: {command: "echo rotated"}}
                """));
        var dispatcher = engine.harness.engine().dispatcher();
        var runbook = engine.harness.engine().runbooks().find("rotate-logs").orElseThrow();

        RunRecord first = dispatcher.startScheduled(runbook, "schedule test");
        RunRecord second = dispatcher.startScheduled(runbook, "schedule test");
        engine.settled();

        assertThat(engine.harness.run(first.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(second.status()).isEqualTo(RunStatus.REFUSED);
        assertThat(second.message()).contains("for runbook rotate-logs started");
    }
}
