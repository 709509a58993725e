package dev.quench.core.console;

import dev.quench.core.runbook.Runbook;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The approvals inbox's plans, kept per waiting run and planner: a plan is a dry run in a scratch store (a
 * fresh in-memory database each time, hundreds of milliseconds), and a waiting run's params and alert do not
 * change, so it is made again only when its runbook as loaded now differs from the one it was made from (a
 * reload that changed the file). The least recently used go first beyond {@code capacity}. Thread-safe.
 */
final class PlanCache {

    /** Which plan: a run, planned as whom (the plan may render the actor). */
    record Key(String runId, String planner) {
    }

    private record Kept(Runbook runbook, ApprovalsInbox.Plan plan) {
    }

    private final Map<Key, Kept> entries;

    PlanCache(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Kept> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The plan made for {@code key} from {@code runbook} (equal to the one loaded now), if there is one. */
    synchronized Optional<ApprovalsInbox.Plan> get(Key key, Runbook runbook) {
        Kept entry = entries.get(key);
        return entry != null && entry.runbook().equals(runbook) ? Optional.of(entry.plan()) : Optional.empty();
    }

    synchronized void put(Key key, Runbook runbook, ApprovalsInbox.Plan plan) {
        entries.put(key, new Kept(Objects.requireNonNull(runbook, "runbook"), Objects.requireNonNull(plan, "plan")));
    }
}
