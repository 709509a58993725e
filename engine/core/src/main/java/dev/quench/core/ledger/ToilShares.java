package dev.quench.core.ledger;

import java.time.Instant;
import java.util.List;

/**
 * The ledger's second view: how much of each team's toil automation took over, week by week, how many firing
 * alerts were handled without a human, and which hand-handled alerts to automate next. Immutable.
 *
 * @param since              start of the period
 * @param approvalMinutes    what one approval was charged ({@code toil.approvalMinutes})
 * @param teamWeeks          one row per team and ISO week, by week then team
 * @param coverage           automation coverage over the firing alerts received
 * @param manualAlertMinutes toil of firing alerts no runbook matched (they have no team: not in the rows)
 * @param automateNext       alert names handled by hand three times or more, most hours per month first
 */
public record ToilShares(Instant since, int approvalMinutes, List<TeamWeek> teamWeeks, Coverage coverage,
                         long manualAlertMinutes, List<AutomateNext> automateNext) {

    /**
     * @param team              the runbooks' owner
     * @param week              ISO week ({@code 2026-W47})
     * @param minutesSaved      minutes its runs saved (one incident counted once per runbook)
     * @param minutesIncurred   minutes left to people: failed, cancelled or interrupted runs' manual minutes,
     *                          plus approver minutes
     * @param approvals         human approvals of its runs
     * @param approverMinutes   of the minutes incurred, approvals × {@code toil.approvalMinutes}
     * @param toilSharePercent  incurred ÷ (incurred + saved) × 100, one decimal: the share of the team's toil
     *                          people still did; null when both are 0
     */
    public record TeamWeek(String team, String week, long minutesSaved, long minutesIncurred, int approvals,
                           long approverMinutes, Double toilSharePercent) {
    }

    /**
     * @param since      the alerts counted were received since this (the period, or where retention's kept alerts
     *                   begin when that is later)
     * @param firing     firing alerts received
     * @param handled    of which a run of theirs or of their incident succeeded with no human approval
     * @param percent    handled ÷ firing × 100, one decimal; null when none fired
     */
    public record Coverage(Instant since, long firing, long handled, Double percent) {
    }

    /**
     * @param alertname     the alert's name
     * @param count         times it fired with no runbook to handle it in the period
     * @param hoursPerMonth its manual toil scaled to 30 days, one decimal
     */
    public record AutomateNext(String alertname, int count, double hoursPerMonth) {
    }

    /** {@code part} ÷ {@code whole} × 100 with one decimal, or null for an empty whole. */
    static Double percent(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 1000.0 / whole) / 10.0;
    }
}
