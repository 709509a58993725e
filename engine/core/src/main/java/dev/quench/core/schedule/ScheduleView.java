package dev.quench.core.schedule;

import dev.quench.core.runbook.ScheduleSpec;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * One schedule as {@code GET /api/v1/schedules} and {@code quench schedules} show it.
 *
 * @param runbook       the runbook
 * @param active        whether the schedule fires; false for one written with {@code enabled: false}
 * @param cron          its Quartz cron
 * @param timezone      the zone the cron is read in
 * @param misfire       {@code runOnce} or {@code skip}
 * @param nextFires     the next three fire times
 * @param lastRunId     the last scheduled run, or null
 * @param lastRunStatus its status, or null
 * @param misfires      how many misfires were recorded
 * @param note          for an inactive schedule, where it is switched off and how to switch it on; else null
 */
public record ScheduleView(String runbook, boolean active, String cron, String timezone, String misfire,
                           List<Instant> nextFires, String lastRunId, RunStatus lastRunStatus, int misfires,
                           String note) {

    public ScheduleView {
        nextFires = List.copyOf(nextFires);
    }

    /** A schedule written with {@code enabled: false}: shown, never fired. */
    public static ScheduleView inactive(String runbook, ScheduleSpec spec, String source) {
        return new ScheduleView(runbook, false, spec.cron(), spec.timezone().getId(), spec.misfire().wireName(),
                List.of(), null, null, 0, enableHint(source));
    }

    /** How to switch on a schedule written with {@code enabled: false} in {@code source}. */
    public static String enableHint(String source) {
        return "disabled: set triggers.schedule.enabled: true in " + source + " to let it fire";
    }

    private record LastRun(String id, RunStatus status) {
    }

    /**
     * Every stored schedule, by runbook name; reads only the store, so it works without a running
     * engine. Three queries however many schedules there are.
     */
    public static List<ScheduleView> list(Store store) {
        Map<String, Integer> misfires = new ScheduleFires(store).misfireCounts();
        Map<String, LastRun> lastRuns = lastScheduledRuns(store);
        Map<String, List<Instant>> nextByGroup = new HashMap<>();
        return store.jdbi().withHandle(handle -> handle.createQuery("""
                        select m.runbook, m.group_name, m.cron, m.timezone, m.misfire, t.next_fire_time
                        from schedule_member m
                        left join qrtz_triggers t on t.sched_name = :scheduler and t.trigger_group = :group
                                                 and t.trigger_name = m.group_name
                        order by m.runbook""")
                .bind("scheduler", RunbookScheduler.SCHEDULER_NAME)
                .bind("group", RunbookScheduler.GROUP)
                .map((row, context) -> {
                    long next = row.getLong("next_fire_time");
                    Long nextFire = row.wasNull() ? null : next;
                    String cron = row.getString("cron");
                    String timezone = row.getString("timezone");
                    List<Instant> nextFires = nextByGroup.computeIfAbsent(row.getString("group_name"),
                            group -> nextFires(cron, timezone, nextFire, 3));
                    String runbook = row.getString("runbook");
                    LastRun last = lastRuns.get(runbook);
                    return new ScheduleView(runbook, true, cron, timezone, row.getString("misfire"), nextFires,
                            last == null ? null : last.id(), last == null ? null : last.status(),
                            misfires.getOrDefault(runbook, 0), null);
                })
                .list());
    }

    /** The newest scheduled run of every runbook, in one query. */
    private static Map<String, LastRun> lastScheduledRuns(Store store) {
        Map<String, LastRun> last = new HashMap<>();
        store.jdbi().useHandle(handle -> handle.createQuery("""
                        select runbook, id, status from (
                            select runbook, id, status,
                                   row_number() over (partition by runbook order by created_at desc, id desc) as n
                            from run where trigger_type = 'schedule') latest
                        where n = 1""")
                .map((row, context) -> Map.entry(row.getString("runbook"),
                        new LastRun(row.getString("id"), RunStatus.parse(row.getString("status")))))
                .forEach(entry -> last.put(entry.getKey(), entry.getValue())));
        return last;
    }

    private static List<Instant> nextFires(String cron, String timezone, Long nextFireMillis, int count) {
        List<Instant> next = new ArrayList<>();
        if (nextFireMillis == null) {
            return next;
        }
        Date at = new Date(nextFireMillis);
        next.add(at.toInstant());
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(timezone));
            while (next.size() < count && (at = expression.getNextValidTimeAfter(at)) != null) {
                next.add(at.toInstant());
            }
        } catch (ParseException e) {
            // The cron was valid when stored; show the one fire time the job store knows.
        }
        return next;
    }
}
