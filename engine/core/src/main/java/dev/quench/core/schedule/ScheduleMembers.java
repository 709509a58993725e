package dev.quench.core.schedule;

import dev.quench.core.runbook.MisfirePolicy;
import dev.quench.core.store.Store;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The {@code schedule_member} table: which runbook belongs to which {@link ScheduleGroup}, as last
 * synced. Read in one query and changed in batches, so syncing 10,000 schedules takes a few round
 * trips. The engine fans fires out from the runbooks it has loaded; this table is what
 * {@code quench schedules} shows and what keeps a broken file's schedule. Thread-safe.
 */
final class ScheduleMembers {

    /**
     * One runbook's membership.
     *
     * @param runbook the runbook
     * @param group   its schedule group
     * @param source  the file it came from, or null
     */
    record Member(String runbook, ScheduleGroup group, String source) {

        Member {
            Objects.requireNonNull(runbook, "runbook");
            Objects.requireNonNull(group, "group");
        }
    }

    private final Jdbi jdbi;

    ScheduleMembers(Store store) {
        this.jdbi = Objects.requireNonNull(store, "store").jdbi();
    }

    /** Every stored membership, by runbook name. */
    Map<String, Member> list() {
        Map<String, Member> members = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("""
                        select runbook, group_name, cron, timezone, misfire, source from schedule_member
                        order by runbook""")
                .map((row, context) -> new Member(row.getString("runbook"),
                        new ScheduleGroup(row.getString("group_name"), row.getString("cron"),
                                row.getString("timezone"),
                                MisfirePolicy.parse(row.getString("misfire")).orElse(MisfirePolicy.RUN_ONCE)),
                        row.getString("source")))
                .forEach(member -> members.put(member.runbook(), member)));
        return members;
    }

    /**
     * Writes new and changed memberships and deletes removed ones, in one transaction.
     *
     * @param upserts memberships to write
     * @param deletes runbooks whose stored row goes: the removed ones and the changed ones
     */
    void apply(Collection<Member> upserts, Collection<String> deletes) {
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
                for (Member member : upserts) {
                    insert.bind("runbook", member.runbook())
                            .bind("group", member.group().name())
                            .bind("cron", member.group().cron())
                            .bind("timezone", member.group().timezone())
                            .bind("misfire", member.group().misfire().wireName())
                            .bind("source", member.source())
                            .add();
                }
                insert.execute();
            }
        });
    }
}
