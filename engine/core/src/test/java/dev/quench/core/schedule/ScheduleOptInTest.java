package dev.quench.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.runbook.ScheduleSpecParser;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scheduled change to a fleet is opted into: the shipped schedules are off until a runbook switches one on. */
class ScheduleOptInTest {

    private static final Path SHIPPED = Path.of("../../runbooks");

    @TempDir
    Path temp;

    private static Map<String, JsonNode> byRunbook(JsonNode schedules) {
        Map<String, JsonNode> byName = new java.util.TreeMap<>();
        schedules.forEach(schedule -> byName.put(schedule.path("runbook").asText(), schedule));
        return byName;
    }

    @Test
    void aFreshServeWithTheShippedRunbooksHasNoActiveSchedule() throws Exception {
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), SHIPPED))) {
            Map<String, JsonNode> schedules = byRunbook(harness.getJson("/api/v1/schedules").path("schedules"));

            assertThat(schedules).containsKeys("nightly-log-prune", "nightly-backup-verify");
            schedules.forEach((name, schedule) -> {
                assertThat(schedule.path("active").asBoolean(true)).as(name).isFalse();
                assertThat(schedule.path("nextFires")).as(name).isEmpty();
                assertThat(schedule.path("note").asText()).as(name)
                        .contains("set triggers.schedule.enabled: true in").contains(name + ".yaml");
            });
            assertThat(harness.engine().schedules().sync().unchanged()).as("nothing stored, so nothing fires").isZero();
        }
    }

    @Test
    void enablingAShippedScheduleActivatesIt() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("nightly-log-prune.yaml"), Files.readString(
                SHIPPED.resolve("nightly-log-prune.yaml")).replace("enabled: false", "enabled: true"));
        Files.copy(SHIPPED.resolve("nightly-backup-verify.yaml"), runbooks.resolve("nightly-backup-verify.yaml"));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            Map<String, JsonNode> schedules = byRunbook(harness.getJson("/api/v1/schedules").path("schedules"));

            JsonNode prune = schedules.get("nightly-log-prune");
            assertThat(prune.path("active").asBoolean()).isTrue();
            assertThat(prune.path("timezone").asText()).isEqualTo("Europe/Berlin");
            assertThat(prune.path("nextFires")).hasSize(3);
            assertThat(schedules.get("nightly-backup-verify").path("active").asBoolean(true)).isFalse();

            // Switched off again (hot reload): removed from the job store like a deleted schedule.
            Files.writeString(runbooks.resolve("nightly-log-prune.yaml"), Files.readString(
                    SHIPPED.resolve("nightly-log-prune.yaml")));
            harness.engine().runbooks().reload();
            RunbookScheduler.SyncReport report = harness.engine().schedules().sync();
            List<Boolean> active = new ArrayList<>();
            harness.getJson("/api/v1/schedules").path("schedules").forEach(s -> active.add(s.path("active").asBoolean()));
            assertThat(active).containsOnly(false);
            assertThat(report.added() + report.unchanged()).isZero();
        }
    }

    @Test
    void enabledMustBeTrueOrFalse() {
        ScheduleSpecParser.Result result = ScheduleSpecParser.parse(Map.of("cron", "0 30 3 * * ?", "enabled", "no"));

        assertThat(result.spec()).isEmpty();
        assertThat(result.problems()).containsExactly(
                new ScheduleSpecParser.Problem("enabled", ScheduleSpecParser.At.VALUE,
                        "enabled must be true or false, found no"));
        assertThat(ScheduleSpecParser.parse(Map.of("cron", "0 30 3 * * ?")).spec().orElseThrow().enabled()).isTrue();
    }
}
