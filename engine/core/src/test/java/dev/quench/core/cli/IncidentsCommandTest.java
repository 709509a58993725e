package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench incidents list|show|export} on a stopped engine's data directory. */
class IncidentsCommandTest {

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @TempDir
    Path data;

    private String incident;

    @BeforeEach
    void fillTheStore() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Store store = Store.open(QuenchConfig.defaults(data).storeUrl(), "sa", "")) {
            Alert alert = new Alert("alertmanager", "f1", AlertStatus.FIRING,
                    Map.of("alertname", "RedisDown", "instance", "redis-1:6379"), Map.of(), now, null, "");
            long alertId = store.alerts().record(List.of(alert), now).get(0);
            incident = store.inTransaction(transaction -> store.incidents().place(transaction,
                    "instance=redis-1:6379", "RedisDown on instance=redis-1:6379", "cache-team", alertId, now,
                    Duration.ofMinutes(30)));
            RunRecord run = new RunRecord("run-1", "redis-cache-flush", "cache-team", TriggerType.ALERT,
                    "RedisDown redis-1:6379", alertId, RunStatus.QUEUED, false, Map.of(), 15, 0, "", now, null, null,
                    List.of());
            store.useTransaction(transaction -> {
                store.runs().insertQueued(transaction, run);
                store.incidents().attachRun(transaction, incident, run.id());
            });
            RunLease lease = store.runs().claim(run.id(), "node", now.plusSeconds(42), now.plusSeconds(60)).orElseThrow();
            store.runs().finish(lease, RunStatus.SUCCEEDED, "", 15, now.plusSeconds(50));
        }
    }

    @Test
    void listShowsTheIncidentWithItsMttaAndTheRunbooksTimes() {
        assertThat(QuenchMain.run("incidents", "list", "--data", data.toString())).isZero();

        assertThat(stdout.text()).contains(incident).contains("RedisDown on instance=redis-1:6379")
                .containsPattern("open\\s+\\S+\\s+1\\s+1\\s+42s\\s+-")
                .containsPattern("redis-cache-flush\\s+1\\s+0\\s+42s\\s+-");
    }

    @Test
    void listFiltersByStatus() {
        assertThat(QuenchMain.run("incidents", "list", "--status", "resolved", "--data", data.toString())).isZero();
        assertThat(stdout.text()).contains("no incidents");
        assertThat(QuenchMain.run("incidents", "list", "--status", "sleeping", "--data", data.toString())).isEqualTo(2);
    }

    @Test
    void showPrintsItsAlertsAndRuns() {
        assertThat(QuenchMain.run("incidents", "show", incident, "--data", data.toString())).isZero();

        assertThat(stdout.text()).contains("incident " + incident + ": OPEN").contains("group:    instance=redis-1:6379")
                .contains("firing    RedisDown").contains("run-1  succeeded   redis-cache-flush  saved 15 min");
        assertThat(QuenchMain.run("incidents", "show", "no-such", "--data", data.toString())).isEqualTo(1);
    }

    @Test
    void exportPrintsThePostmortemDraft() {
        assertThat(QuenchMain.run("incidents", "export", incident, "--format", "markdown", "--data", data.toString()))
                .isZero();
        assertThat(stdout.text()).startsWith("# Postmortem draft: RedisDown on instance\\=redis\\-1\\:6379\n")
                .contains("## Timeline").contains("## Action items");

        stdout.reset();
        assertThat(QuenchMain.run("incidents", "export", incident, "--format", "json", "--data", data.toString()))
                .isZero();
        assertThat(stdout.text()).contains("\"kind\" : \"run_ended\"").contains("\"minutesSaved\" : 15");
        assertThat(QuenchMain.run("incidents", "export", incident, "--format", "pdf", "--data", data.toString()))
                .isEqualTo(2);
    }
}
