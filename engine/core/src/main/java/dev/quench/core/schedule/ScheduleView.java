package dev.quench.core.schedule;

import dev.quench.core.runbook.ScheduleSpec;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.ScheduleRepository;
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

    /**
     * Every stored schedule, by runbook name; reads only the store, so it works without a running
     * engine. Three queries however many schedules there are.
     */
    public static List<ScheduleView> list(Store store) {
        Map<String, Integer> misfires = new ScheduleFires(store).misfireCounts();
        Map<String, ScheduleRepository.RunState> lastRuns = store.schedules().lastScheduledRuns();
        Map<String, List<Instant>> nextByGroup = new HashMap<>();
        return store.schedules().membersWithNextFire(RunbookScheduler.SCHEDULER_NAME, RunbookScheduler.GROUP).stream()
                .map(scheduled -> {
                    ScheduleRepository.MemberRow member = scheduled.member();
                    List<Instant> nextFires = nextByGroup.computeIfAbsent(member.groupName(),
                            group -> nextFires(member.cron(), member.timezone(), scheduled.nextFireMillis(), 3));
                    ScheduleRepository.RunState last = lastRuns.get(member.runbook());
                    return new ScheduleView(member.runbook(), true, member.cron(), member.timezone(),
                            member.misfire(), nextFires, last == null ? null : last.id(),
                            last == null ? null : last.status(), misfires.getOrDefault(member.runbook(), 0), null);
                })
                .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
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
