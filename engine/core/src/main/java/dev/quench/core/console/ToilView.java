package dev.quench.core.console;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the toil page shows: hours saved per team per ISO week (the chart and its table), automation
 * coverage over the whole period and the "automate next" ranking, all read from the toil ledger. Immutable.
 *
 * @param since        Monday 00:00 UTC of the first week shown
 * @param now          when the figures were read (the last week is the current one, so far)
 * @param weeks        the weeks shown, oldest first
 * @param teams        every team with finished runs in the period, for the form (before the team filter)
 * @param series       one per team shown, its minutes saved in the order of {@code weeks}
 * @param weekTotals   minutes saved per week over the teams shown, in the order of {@code weeks}
 * @param coverage     automation coverage over the period (every team)
 * @param automateNext alert names no runbook handles, seen often enough to automate, most frequent first
 */
public record ToilView(Instant since, Instant now, List<Week> weeks, List<String> teams, List<TeamSeries> series,
                       List<Long> weekTotals, Coverage coverage, List<AutomateNext> automateNext) {

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

    /**
     * Automation coverage: of the work that came up (finished runs and alerts no runbook matched), the share
     * automation did without a human (runs that succeeded).
     *
     * @param automated runs that succeeded
     * @param byPeople  runs that failed or were cancelled (a human followed up) and firing alerts no runbook matched
     */
    public record Coverage(long automated, long byPeople) {

        /** The share automated, from 0 to 1; empty when nothing came up. */
        public OptionalDouble share() {
            long all = automated + byPeople;
            return all == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) automated / all);
        }

        /** The share as a whole percentage ({@code 83 %}), or a dash when nothing came up. */
        public String percent() {
            OptionalDouble share = share();
            return share.isEmpty() ? "–" : Math.round(share.getAsDouble() * 100) + " %";
        }
    }

    /**
     * An alert name to automate next.
     *
     * @param alertname     the alert's name
     * @param count         times it fired in the period with no runbook to handle it
     * @param hoursIncurred what handling it by hand cost in the period
     * @param hoursPerMonth that cost spread over a 30-day month: the estimate of what automating it saves
     */
    public record AutomateNext(String alertname, int count, double hoursIncurred, double hoursPerMonth) {
    }
}
