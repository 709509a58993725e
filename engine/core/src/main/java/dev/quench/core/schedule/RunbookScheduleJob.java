package dev.quench.core.schedule;

import java.time.Instant;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The Quartz job of every schedule group: hands the fire (the trigger is named after the group) to
 * the {@link RunbookScheduler} that owns the Quartz scheduler, which fans it out to the group's
 * runbooks. Its class name is stored in the job store, so it must never be renamed or moved
 * (existing schedules would no longer load).
 */
public final class RunbookScheduleJob implements Job {

    /** Key of the {@link RunbookScheduler} in the Quartz scheduler context. */
    static final String SCHEDULER_KEY = "quench.runbookScheduler";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        Instant firedAt = Instant.now();
        RunbookScheduler owner;
        try {
            owner = (RunbookScheduler) context.getScheduler().getContext().get(SCHEDULER_KEY);
        } catch (SchedulerException e) {
            throw new JobExecutionException("cannot reach the Quench scheduler", e);
        }
        String group = context.getTrigger().getKey().getName();
        owner.fired(group, context.getScheduledFireTime().toInstant(), firedAt);
    }
}
