package dev.quench.core.ledger;

import dev.quench.core.store.RetentionRepository;
import dev.quench.core.store.Store;
import dev.quench.core.store.TeamToilWeek;
import dev.quench.core.store.ToilWeek;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads the toil ledger out of the run history: a run that succeeded without a human saved its
 * runbook's manual minutes; a failed run saved nothing; a firing alert no runbook matched cost
 * manual minutes. The store counts the runs, grouped per week (the same statements retention's weekly roll-up
 * keeps), so a report's cost grows with the weeks it covers, not with the runs in them. Thread-safe.
 */
public final class ToilLedger {

    /** What one unmatched, hand-handled alert is assumed to cost. */
    public static final int DEFAULT_MINUTES_PER_MANUAL_ALERT = 30;

    /** What one human approval costs its approver, unless {@code toil.approvalMinutes} says otherwise. */
    public static final int DEFAULT_APPROVAL_MINUTES = 5;

    private static final Duration WEEK = Duration.ofDays(7);

    /** An alert name seen this often without automation should be automated next. */
    private static final int AUTOMATE_AFTER = 3;

    private final Store store;
    private final int minutesPerManualAlert;
    private final int approvalMinutes;

    public ToilLedger(Store store, int minutesPerManualAlert) {
        this(store, new ToilSettings(minutesPerManualAlert, DEFAULT_APPROVAL_MINUTES));
    }

    /** A ledger charging what {@code settings} say for manual alerts and approvals. */
    public ToilLedger(Store store, ToilSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.minutesPerManualAlert = settings.manualAlertMinutes();
        this.approvalMinutes = settings.approvalMinutes();
    }

    /**
     * The toil share per team and week, automation coverage and the automate-next ranking since {@code since},
     * as of {@code now}. Weeks retention rolled up are read from {@code toil_team_week}, whole, like
     * {@link #report}; coverage counts the alerts still kept (from {@link ToilShares.Coverage#since()}).
     */
    public ToilShares shares(Instant since, Instant now) {
        Map<List<String>, TeamToilWeek> byTeamWeek = new TreeMap<>(Comparator.comparing((List<String> key) -> key.get(0))
                .thenComparing(key -> key.get(1)));
        Instant runsRolledUp = store.retention().rolledUpBefore(RetentionRepository.RUNS).orElse(Instant.EPOCH);
        List<TeamToilWeek> weeks = new ArrayList<>();
        if (since.isBefore(runsRolledUp)) {
            weeks.addAll(store.toil().teamWeeks(weekStart(since), runsRolledUp));
        }
        weeks.addAll(detailWeeks(later(since, runsRolledUp), store.toil()::teamWeek));
        for (TeamToilWeek week : weeks) {
            byTeamWeek.merge(List.of(isoWeek(week.weekStart()), week.owner()), week, (one, two) -> new TeamToilWeek(
                    one.weekStart(), one.owner(), one.minutesSaved() + two.minutesSaved(),
                    one.minutesIncurred() + two.minutesIncurred(), one.approvals() + two.approvals()));
        }
        List<ToilShares.TeamWeek> rows = new ArrayList<>();
        byTeamWeek.forEach((key, week) -> {
            long approverMinutes = (long) week.approvals() * approvalMinutes;
            long incurred = week.minutesIncurred() + approverMinutes;
            rows.add(new ToilShares.TeamWeek(week.owner(), key.get(0), week.minutesSaved(), incurred, week.approvals(),
                    approverMinutes, ToilShares.percent(incurred, incurred + week.minutesSaved())));
        });
        Instant alertsKept = store.retention().rolledUpBefore(RetentionRepository.ALERTS).orElse(Instant.EPOCH);
        Instant coverageSince = later(since, alertsKept);
        var counted = store.toil().coverage(coverageSince);
        List<ToilReport.ManualAlert> manual = manualAlerts(since);
        double months = Math.max(1.0, Duration.between(since, now).toMinutes() / (60.0 * 24)) / 30.0;
        List<ToilShares.AutomateNext> next = manual.stream().filter(ToilReport.ManualAlert::automateNext)
                .map(alert -> new ToilShares.AutomateNext(alert.alertname(), alert.count(),
                        Math.round(alert.minutesIncurred() / 60.0 / months * 10) / 10.0))
                .sorted(Comparator.comparingDouble(ToilShares.AutomateNext::hoursPerMonth).reversed()
                        .thenComparing(ToilShares.AutomateNext::alertname))
                .toList();
        return new ToilShares(since, approvalMinutes, rows, new ToilShares.Coverage(coverageSince, counted.firing(),
                counted.handled(), ToilShares.percent(counted.handled(), counted.firing())),
                manual.stream().mapToLong(ToilReport.ManualAlert::minutesIncurred).sum(), next);
    }

    /**
     * What the store counts, week by week, of the run detail that finished at or after {@code since}: one grouped
     * read per ISO week between the first and the last end, so a report reads a row per runbook (or team) and week,
     * never every run. The first week is read from {@code since}, not from its start.
     */
    private <W> List<W> detailWeeks(Instant since, WeekReader<W> read) {
        List<W> weeks = new ArrayList<>();
        store.toil().finishedSpan(since).ifPresent(span -> {
            for (Instant week = weekStart(span.first()); !week.isAfter(span.last()); week = week.plus(WEEK)) {
                weeks.addAll(read.week(week, later(since, week), week.plus(WEEK)));
            }
        });
        return weeks;
    }

    /** Reads the part [{@code from}, {@code until}) of the week starting at {@code weekStart}. */
    @FunctionalInterface
    private interface WeekReader<W> {
        List<W> week(Instant weekStart, Instant from, Instant until);
    }

    /**
     * The ledger since {@code since}. Weeks whose detail retention has rolled up ({@code toil_week},
     * {@code toil_manual_week}) are read from the roll-up, whole: a {@code since} inside such a week counts
     * that week in full. Later periods are read from the runs and alerts themselves.
     */
    public ToilReport report(Instant since, ToilGrouping by) {
        Map<String, Tally> tallies = new TreeMap<>();
        Instant runsRolledUp = store.retention().rolledUpBefore(RetentionRepository.RUNS).orElse(Instant.EPOCH);
        if (since.isBefore(runsRolledUp)) {
            for (ToilWeek week : store.retention().toilWeeks(weekStart(since), runsRolledUp)) {
                tallies.computeIfAbsent(key(by, week), ignored -> new Tally()).add(week);
            }
        }
        for (ToilWeek week : detailWeeks(later(since, runsRolledUp), store.toil()::runWeek)) {
            tallies.computeIfAbsent(key(by, week), ignored -> new Tally()).add(week);
        }
        List<ToilReport.Row> rows = new ArrayList<>();
        tallies.forEach((key, tally) -> rows.add(new ToilReport.Row(key, tally.runs, tally.succeeded, tally.failed,
                tally.minutesSaved)));
        rows.sort(Comparator.comparingLong(ToilReport.Row::minutesSaved).reversed()
                .thenComparing(ToilReport.Row::key));
        long total = rows.stream().mapToLong(ToilReport.Row::minutesSaved).sum();
        return new ToilReport(since, by, rows, total, manualAlerts(since));
    }

    private static String key(ToilGrouping by, ToilWeek week) {
        return switch (by) {
            case RUNBOOK -> week.runbook();
            case TEAM -> week.owner();
            case WEEK -> isoWeek(week.weekStart());
        };
    }

    private List<ToilReport.ManualAlert> manualAlerts(Instant since) {
        Map<String, Long> byName = new TreeMap<>();
        Instant alertsRolledUp = store.retention().rolledUpBefore(RetentionRepository.ALERTS).orElse(Instant.EPOCH);
        if (since.isBefore(alertsRolledUp)) {
            byName.putAll(store.retention().manualWeeks(weekStart(since), alertsRolledUp));
        }
        store.alerts().unmatchedFiringByName(later(since, alertsRolledUp))
                .forEach((name, count) -> byName.merge(name, (long) count, Long::sum));
        List<ToilReport.ManualAlert> manual = new ArrayList<>();
        byName.forEach((name, count) -> manual.add(new ToilReport.ManualAlert(name, (int) Math.min(count, Integer.MAX_VALUE),
                count * minutesPerManualAlert, count >= AUTOMATE_AFTER)));
        manual.sort(Comparator.comparingInt(ToilReport.ManualAlert::count).reversed()
                .thenComparing(ToilReport.ManualAlert::alertname));
        return manual;
    }

    /** Monday 00:00 UTC of the ISO week {@code instant} is in: the unit of the ledger's roll-ups. */
    public static Instant weekStart(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static Instant later(Instant first, Instant second) {
        return first.isAfter(second) ? first : second;
    }

    /** A running count; confined to the thread building one report. */
    private static final class Tally {
        private int runs;
        private int succeeded;
        private int failed;
        private long minutesSaved;

        void add(ToilWeek week) {
            runs += week.runs();
            succeeded += week.succeeded();
            failed += week.failed();
            minutesSaved += week.minutesSaved();
        }
    }

    static String isoWeek(Instant instant) {
        var date = instant.atOffset(ZoneOffset.UTC).toLocalDate();
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
