package dev.quench.core.console;

import dev.quench.core.store.AuditEntry;
import java.util.List;

/**
 * What the audit screen shows. Immutable.
 *
 * @param actor   the actor filter as typed ("" for none)
 * @param action  the action filter as typed
 * @param since   the since filter as typed (30m, 7d, or an RFC 3339 time)
 * @param entries the page of entries, newest first
 * @param next    the link to the next page, "" on the last one
 * @param problem why the filters could not be used, "" when they could
 */
public record AuditView(String actor, String action, String since, List<AuditEntry> entries, String next,
                        String problem) {

    public AuditView {
        entries = List.copyOf(entries);
    }
}
