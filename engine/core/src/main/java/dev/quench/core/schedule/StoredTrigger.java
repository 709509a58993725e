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
        store.jdbi().useHandle(handle -> handle.createQuery("""
                        select t.trigger_name, t.description, j.description as source, c.cron_expression,
                               c.time_zone_id, t.misfire_instr, t.next_fire_time
                        from qrtz_triggers t
                        join qrtz_cron_triggers c on c.sched_name = t.sched_name and c.trigger_name = t.trigger_name
                                                 and c.trigger_group = t.trigger_group
                        join qrtz_job_details j on j.sched_name = t.sched_name and j.job_name = t.job_name
                                                and j.job_group = t.job_group
                        where t.sched_name = :scheduler and t.trigger_group = :group
                        order by t.trigger_name""")
                .bind("scheduler", schedulerName)
                .bind("group", group)
                .map((row, context) -> {
                    long next = row.getLong("next_fire_time");
                    Long nextFire = row.wasNull() ? null : next;
                    return new StoredTrigger(row.getString("trigger_name"), row.getString("description"),
                            row.getString("source"), row.getString("cron_expression"), row.getString("time_zone_id"),
                            row.getInt("misfire_instr"), nextFire);
                })
                .forEach(trigger -> triggers.put(trigger.name(), trigger)));
        return triggers;
    }
}
