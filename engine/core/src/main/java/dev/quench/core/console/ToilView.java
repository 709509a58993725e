package dev.quench.core.console;

import dev.quench.core.ledger.ToilShares;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the toil page shows: hours saved per team per ISO week (the chart and its table), and the ledger's
 * automation coverage and "automate next" ranking over the whole period, all read from the toil ledger. Immutable.
 *
 * @param since        Monday 00:00 UTC of the first week shown
 * @param now          when the figures were read (the last week is the current one, so far)
 * @param weeks        the weeks shown, oldest first
 * @param teams        every team with finished runs in the period, for the form (before the team filter)
 * @param series       one per team shown, its minutes saved in the order of {@code weeks}
 * @param weekTotals   minutes saved per week over the teams shown, in the order of {@code weeks}
 * @param coverage     the ledger's automation coverage over the period (every team): firing alerts handled
 *                     without a human
 * @param automateNext the ledger's alert names handled by hand three times or more, most hours a month first
 */
public record ToilView(Instant since, Instant now, List<Week> weeks, List<String> teams, List<TeamSeries> series,
                       List<Long> weekTotals, ToilShares.Coverage coverage, List<ToilShares.AutomateNext> automateNext) {

    public ToilView {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(now, "now");
        weeks = List.copyOf(weeks);
        teams = List.copyOf(teams);
        series = List.copyOf(series);
        weekTotals = List.copyOf(weekTotals);
        Objects.requireNonNull(coverage, "coverage");
        automateNext = List.copyOf(automateNext);
    }

    /** Hours saved over every week and team shown. */
    public double totalHours() {
        return Hours.of(weekTotals.stream().mapToLong(Long::longValue).sum());
    }

    /** Hours saved in each week over the teams shown, in the order of {@code weeks}. */
    public List<Double> weekTotalHours() {
        return weekTotals.stream().map(Hours::of).toList();
    }

    /**
     * One ISO week.
     *
     * @param start Monday 00:00 UTC
     * @param label its ISO name, {@code 2026-W47}
     */
    public record Week(Instant start, String label) {
    }

    /**
     * One team's hours saved per week.
     *
     * @param team    the runbooks' owner
     * @param minutes engineer minutes saved per week
     */
    public record TeamSeries(String team, List<Long> minutes) {

        public TeamSeries {
            Objects.requireNonNull(team, "team");
            minutes = List.copyOf(minutes);
        }

        /** Hours saved per week, rounded to a tenth as the ledger rounds them. */
        public List<Double> hours() {
            return minutes.stream().map(Hours::of).toList();
        }

        public double totalHours() {
            return Hours.of(minutes.stream().mapToLong(Long::longValue).sum());
        }
    }
}
