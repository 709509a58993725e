package dev.quench.core.schedule;

import dev.quench.core.store.Store;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A schedule group's trigger as the job store holds it, read with one query per Quartz group instead
 * of a Quartz look-up per trigger.
 *
 * @param name        the group
 * @param description the schedule fingerprint written by {@link RunbookScheduler}
 * @param source      the job's description (the fingerprint too)
 * @param cron        the cron expression
 * @param timezone    the cron's time zone id
 * @param misfireInstruction Quartz's misfire instruction
 * @param nextFireMillis next fire time in epoch milliseconds, or null when it will not fire again
 */
record StoredTrigger(String name, String description, String source, String cron, String timezone,
                     int misfireInstruction, Long nextFireMillis) {

    static Map<String, StoredTrigger> list(Store store, String schedulerName, String group) {
        Map<String, StoredTrigger> triggers = new LinkedHashMap<>();
        store.schedules().quartzCronTriggers(schedulerName, group).forEach((name, trigger) -> triggers.put(name,
                new StoredTrigger(trigger.name(), trigger.description(), trigger.jobDescription(), trigger.cron(),
                        trigger.timezone(), trigger.misfireInstruction(), trigger.nextFireMillis())));
        return triggers;
    }
}
