package dev.quench.core.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.store.StoredAlert;
import dev.quench.core.store.TriggerType;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The postmortem draft of a fixed incident, compared with golden files: a Redis incident of two alerts whose
 * labels and output try to inject Markdown and HTML, a run that waited for approval, a run a guard refused,
 * a failed step with stderr and a verify-phase step record. Regenerate after an intended change with
 * {@code -Dgolden.update=true} and review the diff.
 */
class PostmortemGoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/incident");
    private static final Instant T0 = Instant.parse("2026-11-20T03:00:00Z");

    static IncidentDetail redisIncident() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", "RedisDown");
        labels.put("instance", "redis-1:6379");
        labels.put("note", "# Heading\n[click](http://evil.example) <img src=x onerror=alert(1)> `tick` \u001b[31m");
        Map<String, String> memoryLabels = new LinkedHashMap<>(labels);
        memoryLabels.put("alertname", "RedisMemoryHigh");
        Alert down = new Alert("alertmanager", "fa", AlertStatus.FIRING, labels,
                Map.of("summary", "Redis down <script>alert(1)</script> *now*"), T0, null, "");
        Alert memory = new Alert("alertmanager", "fb", AlertStatus.FIRING, memoryLabels, Map.of(), T0, null, "");
        Alert downResolved = new Alert("alertmanager", "fa", AlertStatus.RESOLVED, labels, Map.of(), T0,
                T0.plusSeconds(600), "");
        Alert memoryResolved = new Alert("alertmanager", "fb", AlertStatus.RESOLVED, memoryLabels, Map.of(), T0,
                T0.plusSeconds(610), "");
        List<StoredAlert> alerts = List.of(new StoredAlert(1, down, T0.plusSeconds(2), true, 1),
                new StoredAlert(2, memory, T0.plusSeconds(3), true, 1),
                new StoredAlert(3, downResolved, T0.plusSeconds(601), true, 0),
                new StoredAlert(4, memoryResolved, T0.plusSeconds(611), true, 0));
        StepRecord flush = new StepRecord(1, "flush", "ssh.exec", "succeeded",
                Map.of("host", "redis-1", "command", "redis-cli FLUSHALL"), 0,
                "line 1\nline 2\n```\n## not a heading\n<b>bold</b>\n", "", "", T0.plusSeconds(62), T0.plusSeconds(63));
        StepRecord verify = new StepRecord(2, "verify-1", "prometheus.query", "succeeded",
                Map.of("query", "redis_up{instance=\"redis-1:6379\"}"), null, "", "", "", T0.plusSeconds(63),
                T0.plusSeconds(93), Map.of("value", 1));
        RunRecord approved = new RunRecord("run-1", "redis-cache-flush", "cache-team", TriggerType.ALERT,
                "RedisDown redis-1:6379", 1L, RunStatus.SUCCEEDED, false, Map.of(), 15, 15, "", T0.plusSeconds(2),
                T0.plusSeconds(62), T0.plusSeconds(93), List.of(flush, verify));
        RunRecord refused = new RunRecord("run-2", "redis-cache-flush", "cache-team", TriggerType.ALERT,
                "RedisMemoryHigh redis-1:6379", 2L, RunStatus.REFUSED, false, Map.of(), 15, 0,
                "refused: lock redis-1 is held by run run-1 [see](http://evil.example)", T0.plusSeconds(3), null,
                T0.plusSeconds(3), List.of());
        StepRecord restart = new StepRecord(1, "restart", "shell.exec", "failed", Map.of("command", "false"), 1,
                "", "error: cannot restart\n| a | b |\n", "exit code 1", T0.plusSeconds(100), T0.plusSeconds(101));
        RunRecord failed = new RunRecord("run-3", "redis-restart", "cache-team", TriggerType.ALERT,
                "RedisDown redis-1:6379", 1L, RunStatus.FAILED, false, Map.of(), 10, 0, "step restart failed",
                T0.plusSeconds(99), T0.plusSeconds(100), T0.plusSeconds(101), List.of(restart));
        List<IncidentDetail.IncidentRun> runs = List.of(
                new IncidentDetail.IncidentRun(approved, List.of(new GuardRepository.Decision("approve", "alice",
                        "looks safe <b>ok</b>", T0.plusSeconds(60)))),
                new IncidentDetail.IncidentRun(refused, List.of()),
                new IncidentDetail.IncidentRun(failed, List.of()));
        IncidentRecord incident = new IncidentRecord("inc-1", "instance=redis-1:6379",
                "RedisDown on instance=redis-1:6379", "cache-team", T0.plusSeconds(2), T0.plusSeconds(3),
                T0.plusSeconds(611), T0.plusSeconds(60), 4, 3, List.of("redis-cache-flush", "redis-restart"));
        return new IncidentDetail(incident, alerts, runs);
    }

    @Test
    void theMarkdownDraftMatchesItsGoldenFile() throws IOException {
        assertGolden("postmortem-redis.md", PostmortemMarkdown.render(Postmortem.of(redisIncident())));
    }

    @Test
    void theJsonDraftMatchesItsGoldenFile() throws IOException {
        assertGolden("postmortem-redis.json", Json.json().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Postmortem.of(redisIncident())) + "\n");
    }

    @Test
    void theFiguresCountWhatHappened() {
        Postmortem draft = Postmortem.of(redisIncident());
        assertThat(draft.impact().firingAlerts()).isEqualTo(2);
        assertThat(draft.impact().resolvedAlerts()).isEqualTo(2);
        assertThat(draft.impact().alertnames()).containsExactly("RedisDown", "RedisMemoryHigh");
        assertThat(draft.impact().durationSeconds()).isEqualTo(609);
        assertThat(draft.toil()).isEqualTo(new Postmortem.Toil(3, 1, 1, 1, 15, 25, 1, List.of("alice")));
        assertThat(draft.timeline()).extracting(Postmortem.Event::at).isSorted();
        assertThat(draft.timeline()).last().extracting(Postmortem.Event::kind).isEqualTo("incident_resolved");
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (regenerate with -Dgolden.update=true and review the diff)", file)
                .exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
