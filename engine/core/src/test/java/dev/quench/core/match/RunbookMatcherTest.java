package dev.quench.core.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.LabelMatcherParser;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.TriggerStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunbookMatcherTest {

    private static Runbook runbook(String name, TriggerStatus status, String... matchers) {
        Optional<AlertTrigger> trigger = matchers.length == 0 ? Optional.empty()
                : Optional.of(new AlertTrigger(List.of(matchers).stream().map(LabelMatcherParser::parse).toList(), status));
        return Runbook.builder(name, Path.of(name + ".yaml")).alertTrigger(trigger).build();
    }

    private static Alert alert(AlertStatus status, Map<String, String> labels) {
        return new Alert("test", "fp", status, labels, Map.of(), null, null, "");
    }

    @Test
    void matchesByAllMatchersAndStatus() {
        Runbook disk = runbook("disk", TriggerStatus.FIRING, "alertname=\"DiskSpaceLow\"", "severity=~\"warning|critical\"");
        Runbook resolved = runbook("resolved", TriggerStatus.RESOLVED, "alertname=\"DiskSpaceLow\"");
        Runbook any = runbook("any", TriggerStatus.ANY, "team=\"storage\"");
        Runbook scheduledOnly = runbook("scheduled", TriggerStatus.FIRING);
        RunbookMatcher matcher = new RunbookMatcher(List.of(disk, resolved, any, scheduledOnly));

        Map<String, String> labels = Map.of("alertname", "DiskSpaceLow", "severity", "critical", "team", "storage");
        assertThat(matcher.matching(alert(AlertStatus.FIRING, labels))).containsExactly(disk, any);
        assertThat(matcher.matching(alert(AlertStatus.RESOLVED, labels))).containsExactly(resolved, any);
        assertThat(matcher.matching(alert(AlertStatus.FIRING, Map.of("alertname", "DiskSpaceLow", "severity", "info"))))
                .isEmpty();
        assertThat(matcher.size()).isEqualTo(3);
    }

    /** The index must never change the answer: compare with checking every runbook, over random data. */
    @Test
    void indexGivesTheSameAnswerAsCheckingEveryRunbook() {
        Random random = new Random(42);
        List<String> names = List.of("DiskSpaceLow", "HighLoad", "NodeDown", "CertExpiry", "");
        List<String> severities = List.of("warning", "critical", "info");
        List<Runbook> runbooks = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<String> matchers = new ArrayList<>();
            switch (random.nextInt(4)) {
                case 0 -> matchers.add("alertname=\"" + names.get(random.nextInt(4)) + "\"");
                case 1 -> matchers.add("alertname=~\"" + names.get(random.nextInt(4)).substring(0, 3) + ".*\"");
                case 2 -> matchers.add("alertname!=\"" + names.get(random.nextInt(4)) + "\"");
                default -> matchers.add("team=~\"storage|web\"");
            }
            if (random.nextBoolean()) {
                matchers.add("severity=~\"" + severities.get(random.nextInt(3)) + "|critical\"");
            }
            if (random.nextInt(5) == 0) {
                // A second alertname equality matcher: only the first is indexed, both must still hold.
                matchers.add("alertname=\"" + names.get(random.nextInt(4)) + "\"");
            }
            TriggerStatus status = TriggerStatus.values()[random.nextInt(3)];
            runbooks.add(runbook("rb-" + i, status, matchers.toArray(String[]::new)));
        }
        RunbookMatcher matcher = new RunbookMatcher(runbooks);
        for (int i = 0; i < 2000; i++) {
            Map<String, String> labels = new HashMap<>();
            String name = names.get(random.nextInt(names.size()));
            if (!name.isEmpty()) {
                labels.put("alertname", name);
            }
            if (random.nextBoolean()) {
                labels.put("severity", severities.get(random.nextInt(3)));
            }
            if (random.nextBoolean()) {
                labels.put("team", random.nextBoolean() ? "storage" : "db");
            }
            Alert alert = alert(random.nextBoolean() ? AlertStatus.FIRING : AlertStatus.RESOLVED, labels);
            List<Runbook> bruteForce = runbooks.stream()
                    .filter(runbook -> runbook.alertTrigger().orElseThrow().matches(alert)).toList();

            assertThat(matcher.matching(alert)).as("alert %s", labels).containsExactlyElementsOf(bruteForce);
        }
    }
}
