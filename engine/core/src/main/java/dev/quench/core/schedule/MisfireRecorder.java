package dev.quench.core.schedule;

import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.quartz.Trigger.CompletedExecutionInstruction;
import org.quartz.listeners.TriggerListenerSupport;

/** Tells the {@link RunbookScheduler} about each misfire Quartz detects, so it is recorded. */
final class MisfireRecorder extends TriggerListenerSupport {

    private final RunbookScheduler owner;

    MisfireRecorder(RunbookScheduler owner) {
        this.owner = owner;
    }

    @Override
    public String getName() {
        return "quench-misfire-recorder";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        // Quartz passes a copy taken before the misfire policy moved the next fire time on.
        owner.misfired(trigger.getKey().getName(), trigger.getNextFireTime().toInstant(),
                trigger.getMisfireInstruction());
    }

    @Override
    public void triggerComplete(Trigger trigger, JobExecutionContext context,
                                CompletedExecutionInstruction instruction) {
        // Runs record their own outcome.
    }
}
