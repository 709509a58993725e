package dev.quench.core.console;

import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.ledger.ToilShares;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the toil page's figures from the toil ledger's public reports only, so that whatever the ledger
 * counts (and however that changes) is what the page shows: the ledger since the start of each week, per
 * team; a week's figure is the difference between the report from its Monday and the report from the next
 * Monday (the ledger attributes a run to the week it finished in, so the differences add up to the period's
 * report exactly). Automation coverage and the automate-next ranking are the ledger's own
 * ({@link ToilLedger#shares}, as {@code GET /api/v1/toil/share} serves them) over the whole period.
 * Thread-safe (the ledger is).
 */
public final class ToilViews {

    /** The most weeks one page reads: each week is one ledger report. */
    public static final int MAX_WEEKS = 26;
    public static final int DEFAULT_WEEKS = 8;

    private final ToilLedger ledger;
    private final Clock clock;

    public ToilViews(ToilLedger ledger, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The last {@code weekCount} ISO weeks (the current one so far included), for the teams in {@code teams}
     * (every team when empty). Reads the store: call it off the event loop.
     *
     * @throws IllegalArgumentException when {@code weekCount} is outside 1..{@value #MAX_WEEKS}
     */
    public ToilView build(int weekCount, Collection<String> teams) {
        if (weekCount < 1 || weekCount > MAX_WEEKS) {
            throw new IllegalArgumentException("weeks must be 1-" + MAX_WEEKS + ", was " + weekCount);
        }
        Instant now = clock.instant();
        Instant current = ToilLedger.weekStart(now);
        List<ToilView.Week> weeks = new ArrayList<>();
        List<ToilReport> reports = new ArrayList<>();
        for (int back = weekCount - 1; back >= 0; back--) {
            Instant start = current.minus(7L * back, ChronoUnit.DAYS);
            weeks.add(new ToilView.Week(start, isoWeek(start)));
            reports.add(ledger.report(start, ToilGrouping.TEAM));
        }
        List<Map<String, Long>> minutesFrom = reports.stream().map(ToilViews::minutesByTeam).toList();
        TreeSet<String> allTeams = new TreeSet<>(minutesFrom.get(0).keySet());
        List<ToilView.TeamSeries> series = new ArrayList<>();
        long[] weekTotals = new long[weekCount];
        for (String team : allTeams) {
            if (!teams.isEmpty() && !teams.contains(team)) {
                continue;
            }
            List<Long> minutes = new ArrayList<>();
            for (int week = 0; week < weekCount; week++) {
                long fromThisWeek = minutesFrom.get(week).getOrDefault(team, 0L);
                long fromNextWeek = week + 1 < weekCount ? minutesFrom.get(week + 1).getOrDefault(team, 0L) : 0L;
                minutes.add(fromThisWeek - fromNextWeek);
                weekTotals[week] += fromThisWeek - fromNextWeek;
            }
            series.add(new ToilView.TeamSeries(team, minutes));
        }
        ToilShares shares = ledger.shares(weeks.get(0).start(), now);
        return new ToilView(weeks.get(0).start(), now, weeks, List.copyOf(allTeams), series,
                java.util.Arrays.stream(weekTotals).boxed().toList(), shares.coverage(), shares.automateNext());
    }

    private static Map<String, Long> minutesByTeam(ToilReport report) {
        Map<String, Long> byTeam = new TreeMap<>();
        report.rows().forEach(row -> byTeam.merge(row.key(), row.minutesSaved(), Long::sum));
        return byTeam;
    }

    static String isoWeek(Instant weekStart) {
        var date = weekStart.atOffset(ZoneOffset.UTC).toLocalDate();
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
