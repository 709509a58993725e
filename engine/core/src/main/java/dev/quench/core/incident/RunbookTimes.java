package dev.quench.core.incident;

import dev.quench.core.store.IncidentRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MTTA and MTTR per runbook: over the incidents in which a runbook ran, the mean time from the first alert to
 * the first run start or approval, and to resolution. An incident in which two runbooks ran counts for both.
 *
 * @param runbook         the runbook
 * @param incidents       incidents it ran in
 * @param resolved        of which resolved (MTTR is their mean)
 * @param mttaSeconds     mean time to acknowledge, or null when none was acknowledged
 * @param mttrSeconds     mean time to resolve, or null when none resolved
 */
public record RunbookTimes(String runbook, int incidents, int resolved, Long mttaSeconds, Long mttrSeconds) {

    /** The times of each runbook over {@code incidents}, by runbook name. */
    public static List<RunbookTimes> of(List<IncidentRecord> incidents) {
        Map<String, long[]> sums = new TreeMap<>();
        for (IncidentRecord incident : incidents) {
            for (String runbook : incident.runbooks()) {
                // incidents, acknowledged, sum of MTTA, resolved, sum of MTTR
                long[] sum = sums.computeIfAbsent(runbook, ignored -> new long[5]);
                sum[0]++;
                if (incident.mttaSeconds() != null) {
                    sum[1]++;
                    sum[2] += incident.mttaSeconds();
                }
                if (incident.mttrSeconds() != null) {
                    sum[3]++;
                    sum[4] += incident.mttrSeconds();
                }
            }
        }
        List<RunbookTimes> times = new ArrayList<>();
        sums.forEach((runbook, sum) -> times.add(new RunbookTimes(runbook, (int) sum[0], (int) sum[3],
                sum[1] == 0 ? null : Math.round((double) sum[2] / sum[1]),
                sum[3] == 0 ? null : Math.round((double) sum[4] / sum[3]))));
        return times;
    }
}
