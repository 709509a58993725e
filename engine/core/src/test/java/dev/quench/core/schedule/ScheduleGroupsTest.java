package dev.quench.core.schedule;

import static dev.quench.core.schedule.ScheduledRunsTest.dailyCronAt;
import static dev.quench.core.schedule.ScheduledRunsTest.secondsAhead;
import static dev.quench.core.schedule.ScheduledRunsTest.writeRunbook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreSql;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedule groups: runbooks with the same cron, timezone and misfire policy share one Quartz trigger
 * and each still gets its own run, fire record and schedule view.
 */
class ScheduleGroupsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private QuenchConfig config(Path runbooks) throws Exception {
        return EngineHarness.config(temp.resolve("data"), runbooks).withSections(Map.of("schedule",
                Json.json().readTree("{\"misfireThreshold\": \"1s\"}")));
    }

    private static List<RunRecord> scheduledRuns(Store store) {
        return store.runs().list(null, null, 1000).stream()
                .filter(run -> run.triggerType() == TriggerType.SCHEDULE).toList();
    }

    private static int triggers(Store store, String group) {
        return StoreSql.jdbi(store).withHandle(handle -> handle.createQuery(
                        "select count(*) from qrtz_triggers where trigger_group = :group")
                .bind("group", group).mapTo(Integer.class).one());
    }

    @Test
    void runbooksWithTheSameScheduleShareOneTriggerAndEachRuns() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        try (EngineHarness harness = EngineHarness.start(config(runbooks))) {
            Instant fireAt = secondsAhead(Duration.ofSeconds(3));
            for (int i = 0; i < 30; i++) {
                writeRunbook(runbooks, "tidy-" + i, "{cron: \"" + dailyCronAt(fireAt) + "\"}", "echo tidy-" + i);
            }
            writeRunbook(runbooks, "other", "{cron: \"" + dailyCronAt(fireAt) + "\", misfire: skip}", "echo other");
            harness.engine().runbooks().reload();
            assertThat(harness.engine().schedules().sync()).isEqualTo(new RunbookScheduler.SyncReport(31, 0, 0, 0, 0));
            Store store = harness.engine().store();
            assertThat(triggers(store, RunbookScheduler.GROUP)).as("one trigger per distinct schedule").isEqualTo(2);

            JsonNode schedules = harness.getJson("/api/v1/schedules").path("schedules");
            assertThat(schedules).hasSize(31);
            for (JsonNode schedule : schedules) {
                assertThat(Instant.parse(schedule.path("nextFires").get(0).asText())).isEqualTo(fireAt);
            }

            await().atMost(WAIT).until(() -> scheduledRuns(store).stream()
                    .filter(run -> run.status() == RunStatus.SUCCEEDED).count() == 31);
            List<String> outputs = new ArrayList<>();
            for (RunRecord run : scheduledRuns(store)) {
                RunRecord full = harness.run(run.id());
                outputs.add(full.steps().getFirst().stdout().strip());
                assertThat(full.triggerDetail()).startsWith("schedule " + dailyCronAt(fireAt) + " (UTC), scheduled "
                        + fireAt + ", fired ");
            }
            assertThat(outputs).hasSize(31).contains("tidy-0", "tidy-29", "other");
            assertThat(new ScheduleFires(store).latenessOfRunsSince(fireAt.minusSeconds(1))).hasSize(31);
            JsonNode tidy = harness.getJson("/api/v1/schedules").path("schedules").get(0);
            assertThat(tidy.path("lastRunStatus").asText()).isEqualTo("succeeded");

            // Moving one runbook to another schedule changes only its membership.
            writeRunbook(runbooks, "tidy-7", "{cron: \"0 0 4 * * ?\"}", "echo tidy-7");
            harness.engine().runbooks().reload();
            assertThat(harness.engine().schedules().sync()).isEqualTo(new RunbookScheduler.SyncReport(0, 1, 0, 0, 30));
            assertThat(triggers(store, RunbookScheduler.GROUP)).isEqualTo(3);
            Files.delete(runbooks.resolve("other.yaml"));
            harness.engine().runbooks().reload();
            assertThat(harness.engine().schedules().sync()).isEqualTo(new RunbookScheduler.SyncReport(0, 0, 1, 0, 30));
            assertThat(triggers(store, RunbookScheduler.GROUP)).as("the emptied group is removed").isEqualTo(2);
        }
    }
}
