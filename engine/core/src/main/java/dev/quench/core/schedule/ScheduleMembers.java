package dev.quench.core.schedule;

import dev.quench.core.runbook.MisfirePolicy;
import dev.quench.core.store.ScheduleRepository;
import dev.quench.core.store.Store;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The stored schedule memberships ({@link ScheduleRepository#members()}): which runbook belongs to which {@link ScheduleGroup}, as last
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

    private final ScheduleRepository schedules;

    ScheduleMembers(Store store) {
        this.schedules = Objects.requireNonNull(store, "store").schedules();
    }

    /** Every stored membership, by runbook name. */
    Map<String, Member> list() {
        Map<String, Member> members = new LinkedHashMap<>();
        schedules.members().forEach((runbook, row) -> members.put(runbook, member(row)));
        return members;
    }

    /**
     * Writes new and changed memberships and deletes removed ones, in one transaction.
     *
     * @param upserts memberships to write
     * @param deletes runbooks whose stored row goes: the removed ones and the changed ones
     */
    void apply(Collection<Member> upserts, Collection<String> deletes) {
        schedules.replaceMembers(upserts.stream().map(ScheduleMembers::row).toList(), deletes);
    }

    private static Member member(ScheduleRepository.MemberRow row) {
        return new Member(row.runbook(), new ScheduleGroup(row.groupName(), row.cron(), row.timezone(),
                MisfirePolicy.parse(row.misfire()).orElse(MisfirePolicy.RUN_ONCE)), row.source());
    }

    private static ScheduleRepository.MemberRow row(Member member) {
        return new ScheduleRepository.MemberRow(member.runbook(), member.group().name(), member.group().cron(),
                member.group().timezone(), member.group().misfire().wireName(), member.source());
    }
}
