package dev.quench.core.schedule;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.quartz.CronExpression;
import org.quartz.CronTrigger;

/**
 * One schedule as {@code GET /api/v1/schedules} and {@code quench schedules} show it.
 *
 * @param runbook       the runbook
 * @param cron          its Quartz cron
 * @param timezone      the zone the cron is read in
 * @param misfire       {@code runOnce} or {@code skip}
 * @param nextFires     the next three fire times
 * @param lastRunId     the last scheduled run, or null
 * @param lastRunStatus its status, or null
 * @param misfires      how many misfires were recorded
 */
public record ScheduleView(String runbook, String cron, String timezone, String misfire, List<Instant> nextFires,
                           String lastRunId, RunStatus lastRunStatus, int misfires) {

    public ScheduleView {
        nextFires = List.copyOf(nextFires);
    }

    /** Every stored schedule, by runbook name; reads only the store, so it works without a running engine. */
    public static List<ScheduleView> list(Store store) {
        Map<String, Integer> misfires = new ScheduleFires(store).misfireCounts();
        List<ScheduleView> views = new ArrayList<>();
        for (StoredTrigger trigger : StoredTrigger.list(store, RunbookScheduler.SCHEDULER_NAME,
                RunbookScheduler.GROUP).values()) {
            RunRecord last = store.runs().list(null, trigger.name(), 50).stream()
                    .filter(run -> run.triggerType() == dev.quench.core.store.TriggerType.SCHEDULE)
                    .findFirst().orElse(null);
            views.add(new ScheduleView(trigger.name(), trigger.cron(), trigger.timezone(),
                    trigger.misfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING
                            ? MisfirePolicy.SKIP.wireName() : MisfirePolicy.RUN_ONCE.wireName(),
                    nextFires(trigger, 3), last == null ? null : last.id(), last == null ? null : last.status(),
                    misfires.getOrDefault(trigger.name(), 0)));
        }
        return views;
    }

    private static List<Instant> nextFires(StoredTrigger trigger, int count) {
        List<Instant> next = new ArrayList<>();
        if (trigger.nextFireMillis() == null) {
            return next;
        }
        Date at = new Date(trigger.nextFireMillis());
        next.add(at.toInstant());
        try {
            CronExpression expression = new CronExpression(trigger.cron());
            expression.setTimeZone(TimeZone.getTimeZone(trigger.timezone()));
            while (next.size() < count && (at = expression.getNextValidTimeAfter(at)) != null) {
                next.add(at.toInstant());
            }
        } catch (ParseException e) {
            // The cron was valid when stored; show the one fire time the job store knows.
        }
        return next;
    }
}
