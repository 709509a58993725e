package dev.quench.core.ledger;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The toil ledger over a period: what automation saved, grouped, and which alerts still cost
 * people time.
 *
 * @param since             start of the period
 * @param by                how rows are grouped
 * @param rows              one row per runbook, team or week
 * @param totalMinutesSaved minutes saved over all rows
 * @param manualAlerts      alert names that matched no runbook, most frequent first
 */
public record ToilReport(Instant since, ToilGrouping by, List<Row> rows, long totalMinutesSaved,
                         List<ManualAlert> manualAlerts) {

    /**
     * @param key           the runbook, team or ISO week ({@code 2026-W47})
     * @param runs          finished runs
     * @param succeeded     runs that succeeded
     * @param failed        runs that failed or were cancelled
     * @param minutesSaved  engineer minutes saved
     */
    public record Row(String key, int runs, int succeeded, int failed, long minutesSaved) {
        @JsonProperty("hoursSaved")
        public double hoursSaved() {
            return Math.round(minutesSaved / 6.0) / 10.0;
        }
    }

    /**
     * @param alertname      the alert's name
     * @param count          times it fired with no runbook to handle it
     * @param minutesIncurred the manual toil it cost (count × minutes per manual alert)
     * @param automateNext   seen three times or more: automate it
     */
    public record ManualAlert(String alertname, int count, long minutesIncurred, boolean automateNext) {
    }

    @JsonProperty("totalHoursSaved")
    public double totalHoursSaved() {
        return Math.round(totalMinutesSaved / 6.0) / 10.0;
    }
}
