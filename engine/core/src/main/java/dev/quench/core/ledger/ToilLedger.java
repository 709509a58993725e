package dev.quench.core.ledger;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads the toil ledger out of the run history: a run that succeeded without a human saved its
 * runbook's manual minutes; a failed run saved nothing; a firing alert no runbook matched cost
 * manual minutes. Thread-safe.
 */
public final class ToilLedger {

    /** What one unmatched, hand-handled alert is assumed to cost. */
    public static final int DEFAULT_MINUTES_PER_MANUAL_ALERT = 30;

    /** An alert name seen this often without automation should be automated next. */
    private static final int AUTOMATE_AFTER = 3;

    private final Store store;
    private final int minutesPerManualAlert;

    public ToilLedger(Store store, int minutesPerManualAlert) {
        this.store = Objects.requireNonNull(store, "store");
        this.minutesPerManualAlert = minutesPerManualAlert;
    }

    public ToilReport report(Instant since, ToilGrouping by) {
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, Long> saved = new TreeMap<>();
        for (RunRecord run : store.runs().finishedSince(since)) {
            if (run.status() == RunStatus.REFUSED || run.status() == RunStatus.REJECTED) {
                continue; // never ran: neither toil saved nor a failure
            }
            String key = switch (by) {
                case RUNBOOK -> run.runbook();
                case TEAM -> run.owner();
                case WEEK -> isoWeek(run.finishedAt());
            };
            int[] tally = counts.computeIfAbsent(key, ignored -> new int[3]);
            tally[0]++;
            if (run.status() == RunStatus.SUCCEEDED) {
                tally[1]++;
            } else {
                tally[2]++;
            }
            saved.merge(key, (long) run.toilSavedMinutes(), Long::sum);
        }
        List<ToilReport.Row> rows = new ArrayList<>();
        counts.forEach((key, tally) -> rows.add(new ToilReport.Row(key, tally[0], tally[1], tally[2], saved.get(key))));
        rows.sort(Comparator.comparingLong(ToilReport.Row::minutesSaved).reversed()
                .thenComparing(ToilReport.Row::key));
        long total = rows.stream().mapToLong(ToilReport.Row::minutesSaved).sum();
        return new ToilReport(since, by, rows, total, manualAlerts(since));
    }

    private List<ToilReport.ManualAlert> manualAlerts(Instant since) {
        Map<String, Integer> byName = store.alerts().unmatchedFiringByName(since);
        List<ToilReport.ManualAlert> manual = new ArrayList<>();
        byName.forEach((name, count) -> manual.add(new ToilReport.ManualAlert(name, count,
                (long) count * minutesPerManualAlert, count >= AUTOMATE_AFTER)));
        manual.sort(Comparator.comparingInt(ToilReport.ManualAlert::count).reversed()
                .thenComparing(ToilReport.ManualAlert::alertname));
        return manual;
    }

    static String isoWeek(Instant instant) {
        var date = instant.atOffset(ZoneOffset.UTC).toLocalDate();
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
