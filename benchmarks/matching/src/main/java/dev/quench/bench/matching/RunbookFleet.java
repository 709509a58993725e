package dev.quench.bench.matching;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.LabelMatcherParser;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.TriggerStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A large, realistic runbook library for the matching benchmark: most runbooks trigger on one
 * {@code alertname="X"} (plus a severity or team matcher), a few per cent use regular expressions
 * on the name or on other labels, as a big organisation's library would. Deterministic (seeded).
 */
public final class RunbookFleet {

    /** One in this many runbooks has no exact alertname (a regex or label-only trigger). */
    static final int REGEX_EVERY = 50;

    private RunbookFleet() {
    }

    /** {@code count} runbooks; runbook {@code i} (unless a regex one) triggers on {@code alertname="Alert<i>"}. */
    public static List<Runbook> runbooks(int count) {
        Random random = new Random(20261122);
        List<String> teams = List.of("storage", "web", "db", "network", "platform");
        List<Runbook> runbooks = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            List<String> matchers = new ArrayList<>();
            if (index % REGEX_EVERY == 0) {
                // The unindexed minority: every alert is checked against these.
                matchers.add(random.nextBoolean() ? "alertname=~\"Alert" + index + "[0-9]{2}|Other.*\""
                        : "team=~\"" + teams.get(random.nextInt(teams.size())) + "|sre-.*\"");
                matchers.add("severity!=\"info\"");
            } else {
                matchers.add("alertname=\"Alert" + index + "\"");
                matchers.add(random.nextBoolean() ? "severity=~\"warning|critical\"" : "env=\"prod\"");
            }
            AlertTrigger trigger = new AlertTrigger(matchers.stream().map(LabelMatcherParser::parse).toList(),
                    TriggerStatus.FIRING);
            runbooks.add(Runbook.builder("runbook-" + index, Path.of("runbook-" + index + ".yaml")).owner("team")
                    .manualMinutes(5).alertTrigger(trigger).build());
        }
        return List.copyOf(runbooks);
    }

    /** A realistic Alertmanager alert (ten labels) named {@code Alert<n>}. */
    public static Alert alert(int n) {
        return new Alert("alertmanager", "fp-" + n, AlertStatus.FIRING, Map.of(
                "alertname", "Alert" + n, "instance", "web-" + (n % 97) + ":9100", "job", "node",
                "severity", "critical", "team", "storage", "env", "prod", "region", "eu-west-1",
                "mountpoint", "/var", "device", "/dev/sda1", "fstype", "ext4"),
                Map.of("summary", "Disk /var is 97% full"), null, null, "");
    }
}
