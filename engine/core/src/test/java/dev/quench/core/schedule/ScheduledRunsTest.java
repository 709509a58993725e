package dev.quench.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.TriggerType;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules end to end on a real engine (H2): fires become recorded runs, edits reschedule,
 * deletions unschedule, restarts keep schedules and apply the misfire policy, overlaps are refused.
 * Crons name one second a few seconds ahead (a daily schedule), so no sub-minute allowance is needed
 * except in the overlap test, which asks for it explicitly.
 */
class ScheduledRunsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    /** A daily cron (UTC) that fires at {@code at}, rounded down to the second. */
    static String dailyCronAt(Instant at) {
        ZonedDateTime time = at.atZone(ZoneOffset.UTC);
        return time.getSecond() + " " + time.getMinute() + " " + time.getHour() + " * * ?";
    }

    /** A whole second at least {@code lead} from now. */
    static Instant secondsAhead(Duration lead) {
        return Instant.now().plus(lead).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    }

    private Path runbooks() throws Exception {
        return Files.createDirectories(temp.resolve("runbooks"));
    }

    static void writeRunbook(Path runbooks, String name, String schedule, String command) throws Exception {
        writeRunbook(runbooks, name, schedule, command, "{manualMinutes: 10, replaces: 1d}");
    }

    static void writeRunbook(Path runbooks, String name, String schedule, String command, String toil)
            throws Exception {
        Files.writeString(runbooks.resolve(name + ".yaml"), """
                name: %s
                owner: ops
                toil: %s
                triggers:
                  schedule: %s
                steps:
                  - id: work
                    uses: shell.exec
                    with:
                      command: %s
                """.formatted(name, toil, schedule, command));
    }

    private QuenchConfig config(Path runbooks, String misfireThreshold) throws Exception {
        return EngineHarness.config(temp.resolve("data"), runbooks).withSections(Map.of("schedule",
                Json.json().readTree("{\"misfireThreshold\": \"" + misfireThreshold + "\"}")));
    }

    private static List<RunRecord> scheduledRuns(EngineHarness harness, String runbook) {
        return harness.engine().store().runs().list(null, runbook, 100).stream()
                .filter(run -> run.triggerType() == TriggerType.SCHEDULE).toList();
    }

    private static JsonNode schedule(EngineHarness harness, String runbook) throws Exception {
        for (JsonNode schedule : harness.getJson("/api/v1/schedules").path("schedules")) {
            if (schedule.path("runbook").asText().equals(runbook)) {
                return schedule;
            }
        }
        return null;
    }

    /**
     * Writes {@code name} to fire at {@code fireAt} and reloads: done once the engine runs, so a slow
     * start on a busy machine cannot eat the lead.
     */
    static void rescheduleAt(EngineHarness harness, Path runbooks, String name, String fields, String command)
            throws Exception {
        writeRunbook(runbooks, name, fields, command);
        harness.engine().runbooks().reload();
        harness.engine().schedules().sync();
    }

    @Test
    void aHeartbeatSavesItsManualMinutesOncePerReplacedPeriodAndNothingWithoutToilReplaces() throws Exception {
        Path runbooks = runbooks();
        writeRunbook(runbooks, "heartbeat", "{cron: \"* * * * * ?\", allowSubMinute: true}", "echo beat",
                "{manualMinutes: 10, replaces: 1d}");
        writeRunbook(runbooks, "ping", "{cron: \"* * * * * ?\", allowSubMinute: true}", "echo ping",
                "{manualMinutes: 10}");
        try (EngineHarness harness = EngineHarness.start(config(runbooks, "60s"))) {
            await().atMost(WAIT).until(() -> succeeded(harness, "heartbeat").size() >= 3
                    && succeeded(harness, "ping").size() >= 3);

            assertThat(succeeded(harness, "heartbeat")).extracting(RunRecord::toilSavedMinutes)
                    .as("one manual task a day replaced, however often it beats").containsOnlyOnce(10)
                    .containsOnly(0, 10);
            assertThat(succeeded(harness, "ping")).extracting(RunRecord::toilSavedMinutes)
                    .as("no toil.replaces: a scheduled run saves nothing").containsOnly(0);
        }
    }

    private static List<RunRecord> succeeded(EngineHarness harness, String runbook) {
        return scheduledRuns(harness, runbook).stream().filter(run -> run.status() == RunStatus.SUCCEEDED).toList();
    }

    @Test
    void aScheduleFiresAndItsRunIsRecordedWithScheduledTimeAndLateness() throws Exception {
        Path runbooks = runbooks();
        try (EngineHarness harness = EngineHarness.start(config(runbooks, "60s"))) {
            Instant fireAt = secondsAhead(Duration.ofSeconds(2));
            rescheduleAt(harness, runbooks, "nightly", "{cron: \"" + dailyCronAt(fireAt) + "\"}", "echo rotated");
            JsonNode listed = schedule(harness, "nightly");
            assertThat(listed).isNotNull();
            assertThat(listed.path("cron").asText()).isEqualTo(dailyCronAt(fireAt));
            assertThat(listed.path("timezone").asText()).isEqualTo("UTC");
            assertThat(listed.path("nextFires")).hasSize(3);
            assertThat(Instant.parse(listed.path("nextFires").get(0).asText())).isEqualTo(fireAt);

            await().atMost(WAIT).until(() -> scheduledRuns(harness, "nightly").stream()
                    .anyMatch(run -> run.status() == RunStatus.SUCCEEDED));
            RunRecord run = harness.run(scheduledRuns(harness, "nightly").getFirst().id());
            assertThat(run.triggerDetail()).startsWith("schedule " + dailyCronAt(fireAt) + " (UTC), scheduled "
                    + fireAt + ", fired ").contains(" ms");
            assertThat(run.steps().getFirst().stdout()).isEqualTo("rotated\n");
            assertThat(run.toilSavedMinutes()).isEqualTo(10);

            JsonNode after = schedule(harness, "nightly");
            assertThat(after.path("lastRunId").asText()).isEqualTo(run.id());
            assertThat(after.path("lastRunStatus").asText()).isEqualTo("succeeded");
            assertThat(after.path("misfires").asInt()).isZero();
            assertThat(Instant.parse(after.path("nextFires").get(0).asText())).isEqualTo(fireAt.plus(Duration.ofDays(1)));
        }
    }

    @Test
    void anEditReschedulesAndADeletionUnschedules() throws Exception {
        Path runbooks = runbooks();
        writeRunbook(runbooks, "vacuum", "{cron: \"0 0 3 ? * SUN\", timezone: Europe/Berlin}", "echo vacuumed");
        try (EngineHarness harness = EngineHarness.start(config(runbooks, "60s"))) {
            assertThat(schedule(harness, "vacuum").path("cron").asText()).isEqualTo("0 0 3 ? * SUN");
            assertThat(schedule(harness, "vacuum").path("timezone").asText()).isEqualTo("Europe/Berlin");

            // serve watches the runbooks directory: an edit reschedules without any call from here.
            Instant fireAt = secondsAhead(Duration.ofSeconds(6));
            writeRunbook(runbooks, "vacuum", "{cron: \"" + dailyCronAt(fireAt) + "\"}", "echo vacuumed");
            await().atMost(WAIT).until(() -> schedule(harness, "vacuum").path("cron").asText().equals(dailyCronAt(fireAt)));
            await().atMost(WAIT).until(() -> !scheduledRuns(harness, "vacuum").isEmpty());

            // A broken edit keeps the last good schedule, and says so.
            Files.writeString(runbooks.resolve("vacuum.yaml"), "name: vacuum\ntriggers:\n  schedule: {cron: nope}\n");
            await().atMost(WAIT).until(() -> harness.getJson("/api/v1/runbooks").path("kept").toString().contains("vacuum"));
            assertThat(schedule(harness, "vacuum").path("cron").asText()).isEqualTo(dailyCronAt(fireAt));

            Files.delete(runbooks.resolve("vacuum.yaml"));
            await().atMost(WAIT).until(() -> harness.getJson("/api/v1/schedules").path("schedules").isEmpty());
        }
    }

    @Test
    void aRestartKeepsSchedulesAndAppliesTheMisfirePolicy() throws Exception {
        Path runbooks = runbooks();
        Instant fireAt;
        try (EngineHarness harness = EngineHarness.start(config(runbooks, "1s"))) {
            fireAt = secondsAhead(Duration.ofSeconds(2));
            writeRunbook(runbooks, "catch-up", "{cron: \"" + dailyCronAt(fireAt) + "\", misfire: runOnce}",
                    "echo caught up");
            rescheduleAt(harness, runbooks, "only-on-time", "{cron: \"" + dailyCronAt(fireAt) + "\", misfire: skip}",
                    "echo on time");
            assertThat(harness.getJson("/api/v1/schedules").path("schedules")).hasSize(2);
        }
        assertThat(Instant.now()).as("the first engine must stop before the fire time").isBefore(fireAt);
        // The engine is down while both fire times pass, and for longer than the misfire threshold.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), fireAt.plusSeconds(2)).toMillis()));

        try (EngineHarness harness = EngineHarness.start(config(runbooks, "1s"))) {
            await().atMost(WAIT).until(() -> scheduledRuns(harness, "catch-up").stream()
                    .anyMatch(run -> run.status() == RunStatus.SUCCEEDED));
            assertThat(scheduledRuns(harness, "catch-up")).hasSize(1);
            await().atMost(WAIT).until(() -> schedule(harness, "only-on-time").path("misfires").asInt() == 1);
            assertThat(scheduledRuns(harness, "only-on-time")).isEmpty();
            assertThat(schedule(harness, "catch-up").path("misfires").asInt()).isEqualTo(1);
            assertThat(schedule(harness, "only-on-time").path("misfire").asText()).isEqualTo("skip");
            // Both schedules came back from the store unchanged, and fire again tomorrow.
            assertThat(harness.engine().schedules().sync()).isEqualTo(new RunbookScheduler.SyncReport(0, 0, 0, 0, 2));
            assertThat(Instant.parse(schedule(harness, "only-on-time").path("nextFires").get(0).asText()))
                    .isEqualTo(fireAt.plus(Duration.ofDays(1)));
        }
    }

    @Test
    void anOverlappingFireIsRefusedAndRecordedAsACancelledRun() throws Exception {
        Path runbooks = runbooks();
        writeRunbook(runbooks, "slow", "{cron: \"* * * * * ?\", allowSubMinute: true}", "sleep 3");
        try (EngineHarness harness = EngineHarness.start(config(runbooks, "60s"))) {
            await().atMost(WAIT).until(() -> scheduledRuns(harness, "slow").stream()
                    .anyMatch(run -> run.status() == RunStatus.CANCELLED));
            RunRecord skipped = scheduledRuns(harness, "slow").stream()
                    .filter(run -> run.status() == RunStatus.CANCELLED).findFirst().orElseThrow();
            RunRecord running = scheduledRuns(harness, "slow").stream()
                    .filter(run -> run.status() == RunStatus.RUNNING || run.status() == RunStatus.QUEUED)
                    .findFirst().orElseThrow();
            // The message names the status the run had when the fire was refused: on a busy machine it
            // may still have been queued then and be running now.
            assertThat(skipped.message()).isIn(List.of("queued", "running").stream()
                    .map(status -> "skipped: the previous scheduled run " + running.id() + " is still " + status
                            + " and allowOverlap is false; set triggers.schedule.allowOverlap: true to run fires "
                            + "side by side").toList());
            assertThat(skipped.steps()).isEmpty();
            assertThat(skipped.toilSavedMinutes()).isZero();
            harness.engine().runbooks().reload();
            Files.delete(runbooks.resolve("slow.yaml"));
            harness.engine().runbooks().reload();
            harness.engine().schedules().sync();
        }
    }
}
