package dev.quench.core.store;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * What the scheduler keeps and reads: the {@code schedule_fire} log (one row per fire: ran, skipped,
 * misfired), the {@code schedule_member} table (which runbook belongs to which schedule group), the
 * scheduled runs still under way, and read-only views of Quartz's own cron triggers (whose tables
 * Quartz writes through its connection provider). Thread-safe.
 */
public final class ScheduleRepository {

    /**
     * One fire of one runbook.
     *
     * @param outcome   {@code ran}, {@code skipped} or {@code misfired}
     * @param decidedAt when Quench queued its run (or decided to skip it): lateness is measured to here
     * @param runId     the run started or recorded as skipped, or null
     */
    public record FireRow(String runbook, String outcome, Instant scheduledAt, Instant firedAt, Instant decidedAt,
                          String runId, String message) {
    }

    /**
     * A run and its status.
     *
     * @param id     the run's id
     * @param status its status
     */
    public record RunState(String id, RunStatus status) {
    }

    /**
     * One runbook's stored schedule group membership.
     *
     * @param misfire the misfire policy's wire name
     * @param source  the runbook file, or null
     */
    public record MemberRow(String runbook, String groupName, String cron, String timezone, String misfire,
                            String source) {

        public MemberRow {
            Objects.requireNonNull(runbook, "runbook");
            Objects.requireNonNull(groupName, "groupName");
        }
    }

    /**
     * A member with its group's next fire time as Quartz holds it.
     *
     * @param nextFireMillis epoch milliseconds, or null when the group has no trigger or will not fire again
     */
    public record MemberSchedule(MemberRow member, Long nextFireMillis) {
    }

    /**
     * A cron trigger as Quartz's job store holds it.
     *
     * @param name               the trigger's name
     * @param description        the trigger's description
     * @param jobDescription     its job's description
     * @param misfireInstruction Quartz's misfire instruction
     * @param nextFireMillis     next fire time in epoch milliseconds, or null when it will not fire again
     */
    public record QuartzCronTrigger(String name, String description, String jobDescription, String cron,
                                    String timezone, int misfireInstruction, Long nextFireMillis) {
    }

    private static final String INSERT_FIRE = """
            insert into schedule_fire (runbook, outcome, scheduled_at, fired_at, lateness_ms, run_id, message)
            values (:runbook, :outcome, :scheduledAt, :firedAt, :lateness, :runId, :message)""";

    private final Jdbi jdbi;

    ScheduleRepository(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    /** Work done while holding the schedule sync lock; may throw what its caller declares. */
    @FunctionalInterface
    public interface LockedWork<T, E extends Exception> {
        T run() throws E;
    }

    /** The PostgreSQL advisory lock key of the schedule sync ("quench-sc" as a number). */
    private static final long SYNC_LOCK = 0x7175656e63682d73L;

    /**
     * Runs {@code work} while holding a lock that every node of a cluster takes for it (a PostgreSQL
     * advisory lock, held on one pooled connection): nodes starting together sync their schedules one
     * after the other, the later ones finding everything in place. On H2 (one engine) it just runs it.
     */
    public <T, E extends Exception> T underSyncLock(LockedWork<T, E> work) throws E {
        try (org.jdbi.v3.core.Handle handle = jdbi.open()) {
            boolean postgres = handle.getConnection().getMetaData().getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT).contains("postgres");
            if (!postgres) {
                return work.run();
            }
            handle.createQuery("select 1 from (select pg_advisory_lock(:key)) locked").bind("key", SYNC_LOCK)
                    .mapTo(Integer.class).one();
            try {
                return work.run();
            } finally {
                handle.createQuery("select pg_advisory_unlock(:key)").bind("key", SYNC_LOCK).mapTo(Boolean.class).one();
            }
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot read the store's database type: " + e.getMessage(), e);
        }
    }

    /**
     * Claims the fire of {@code runbook} scheduled at {@code scheduledAt} for run {@code runId}, inside
     * {@code transaction}: false when that fire already made a run (on this node or another), so a fire
     * can never create two runs even if Quartz fires it twice.
     */
    public boolean claimFire(StoreTransaction transaction, String runbook, Instant scheduledAt, String runId) {
        org.jdbi.v3.core.Handle handle = transaction.handle();
        boolean postgres;
        try {
            postgres = handle.getConnection().getMetaData().getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot read the store's database type: " + e.getMessage(), e);
        }
        // PostgreSQL: two nodes inserting the same fire at once must not abort the loser's transaction.
        // H2 serves one node, where the not-exists check cannot race with another engine.
        String sql = postgres
                ? "insert into schedule_fire_claim (runbook, scheduled_at, run_id) values (:runbook, :at, :runId) "
                        + "on conflict do nothing"
                : "insert into schedule_fire_claim (runbook, scheduled_at, run_id) select :runbook, :at, :runId "
                        + "where not exists (select 1 from schedule_fire_claim where runbook = :runbook "
                        + "and scheduled_at = :at)";
        return handle.createUpdate(sql)
                .bind("runbook", runbook)
                .bind("at", Timestamp.from(scheduledAt))
                .bind("runId", runId)
                .execute() == 1;
    }

    /** Records many fires in one batched transaction: a group fire of 1,000 runbooks is one round trip. */
    public void recordFires(List<FireRow> fires) {
        if (fires.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            PreparedBatch batch = handle.prepareBatch(INSERT_FIRE);
            for (FireRow fire : fires) {
                bindFire(batch, fire).add();
            }
            batch.execute();
        });
    }

    /** Records one fire. */
    public void recordFire(FireRow fire) {
        jdbi.useHandle(handle -> bindFire(handle.createUpdate(INSERT_FIRE), fire).execute());
    }

    private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindFire(T statement, FireRow fire) {
        return statement.bind("runbook", fire.runbook())
                .bind("outcome", fire.outcome())
                .bind("scheduledAt", Timestamp.from(fire.scheduledAt()))
                .bind("firedAt", Timestamp.from(fire.firedAt()))
                .bind("lateness", Math.max(0, fire.decidedAt().toEpochMilli() - fire.scheduledAt().toEpochMilli()))
                .bind("runId", fire.runId())
                .bind("message", fire.message());
    }

    /**
     * The oldest still queued or running scheduled run of each runbook that has one, in one query
     * (there are few at any time; the run table is indexed by status).
     */
    public Map<String, RunState> unfinishedScheduledRuns() {
        Map<String, RunState> active = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, id, status from run
                        where status in ('queued', 'running') and trigger_type = 'schedule'
                        order by created_at""")
                .map((row, context) -> Map.entry(row.getString("runbook"),
                        new RunState(row.getString("id"), RunStatus.parse(row.getString("status")))))
                .forEach(entry -> active.putIfAbsent(entry.getKey(), entry.getValue())));
        return active;
    }

    /** The oldest scheduled run of {@code runbook} that is still queued or running. */
    public Optional<RunState> unfinishedScheduledRun(String runbook) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select id, status from run
                        where runbook = :runbook and trigger_type = 'schedule' and status in ('queued', 'running')
                        order by created_at limit 1""")
                .bind("runbook", runbook)
                .map((row, context) -> new RunState(row.getString("id"), RunStatus.parse(row.getString("status"))))
                .findOne());
    }

    /** The newest scheduled run of every runbook that has one, in one query. */
    public Map<String, RunState> lastScheduledRuns() {
        Map<String, RunState> last = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, id, status from (
                            select runbook, id, status,
                                   row_number() over (partition by runbook order by created_at desc, id desc) as n
                            from run where trigger_type = 'schedule') latest
                        where n = 1""")
                .map((row, context) -> Map.entry(row.getString("runbook"),
                        new RunState(row.getString("id"), RunStatus.parse(row.getString("status")))))
                .forEach(entry -> last.put(entry.getKey(), entry.getValue())));
        return last;
    }

    /** Misfires recorded per runbook. */
    public Map<String, Integer> misfireCounts() {
        Map<String, Integer> counts = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(
                        "select runbook, count(*) as n from schedule_fire where outcome = 'misfired' group by runbook")
                .map((row, context) -> Map.entry(row.getString("runbook"), row.getInt("n")))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue())));
        return counts;
    }

    /** For the benchmark: of each fire that ran since {@code since}, Quartz's lateness and Quench's, in ms. */
    public List<long[]> latenessOfRunsSince(Instant since) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select scheduled_at, fired_at, lateness_ms from schedule_fire
                        where outcome = 'ran' and scheduled_at >= :since order by id""")
                .bind("since", Timestamp.from(since))
                .map((row, context) -> new long[] {
                        row.getTimestamp("fired_at").getTime() - row.getTimestamp("scheduled_at").getTime(),
                        row.getLong("lateness_ms")})
                .list());
    }

    /** Every stored membership, by runbook name, in runbook order. */
    public Map<String, MemberRow> members() {
        Map<String, MemberRow> members = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, group_name, cron, timezone, misfire, source from schedule_member
                        order by runbook""")
                .map((row, context) -> memberRow(row))
                .forEach(member -> members.put(member.runbook(), member)));
        return members;
    }

    /**
     * Deletes the memberships of {@code deletes} and writes {@code upserts}, in one transaction of a few
     * batches (a changed membership is in both).
     */
    public void replaceMembers(Collection<MemberRow> upserts, Collection<String> deletes) {
        if (upserts.isEmpty() && deletes.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            if (!deletes.isEmpty()) {
                PreparedBatch delete = handle.prepareBatch("delete from schedule_member where runbook = :runbook");
                deletes.forEach(name -> delete.bind("runbook", name).add());
                delete.execute();
            }
            if (!upserts.isEmpty()) {
                PreparedBatch insert = handle.prepareBatch("""
                        insert into schedule_member (runbook, group_name, cron, timezone, misfire, source)
                        values (:runbook, :group, :cron, :timezone, :misfire, :source)""");
                for (MemberRow member : upserts) {
                    insert.bind("runbook", member.runbook())
                            .bind("group", member.groupName())
                            .bind("cron", member.cron())
                            .bind("timezone", member.timezone())
                            .bind("misfire", member.misfire())
                            .bind("source", member.source())
                            .add();
                }
                insert.execute();
            }
        });
    }

    /**
     * Every membership with the next fire time of its group's trigger ({@code schedulerName},
     * {@code triggerGroup}, named after the group), in runbook order, in one query.
     */
    public List<MemberSchedule> membersWithNextFire(String schedulerName, String triggerGroup) {
        return jdbi.withHandle(handle -> handle.createQuery("""
                        select m.runbook, m.group_name, m.cron, m.timezone, m.misfire, m.source, t.next_fire_time
                        from schedule_member m
                        left join qrtz_triggers t on t.sched_name = :scheduler and t.trigger_group = :group
                                                 and t.trigger_name = m.group_name
                        order by m.runbook""")
                .bind("scheduler", schedulerName)
                .bind("group", triggerGroup)
                .map((row, context) -> {
                    long next = row.getLong("next_fire_time");
                    Long nextFire = row.wasNull() ? null : next;
                    return new MemberSchedule(memberRow(row), nextFire);
                })
                .list());
    }

    /**
     * The cron triggers of one Quartz trigger group, by name, with one query instead of a Quartz look-up
     * per trigger.
     */
    public Map<String, QuartzCronTrigger> quartzCronTriggers(String schedulerName, String triggerGroup) {
        Map<String, QuartzCronTrigger> triggers = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
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
                .bind("group", triggerGroup)
                .map((row, context) -> {
                    long next = row.getLong("next_fire_time");
                    Long nextFire = row.wasNull() ? null : next;
                    return new QuartzCronTrigger(row.getString("trigger_name"), row.getString("description"),
                            row.getString("source"), row.getString("cron_expression"), row.getString("time_zone_id"),
                            row.getInt("misfire_instr"), nextFire);
                })
                .forEach(trigger -> triggers.put(trigger.name(), trigger)));
        return triggers;
    }

    private static MemberRow memberRow(java.sql.ResultSet row) throws java.sql.SQLException {
        return new MemberRow(row.getString("runbook"), row.getString("group_name"), row.getString("cron"),
                row.getString("timezone"), row.getString("misfire"), row.getString("source"));
    }
}
