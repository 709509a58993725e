package dev.quench.core.match;

import dev.quench.core.alert.Alert;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.Runbook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the runbooks an alert starts. Built once from the loaded runbooks; runbooks with an
 * {@code alertname="..."} matcher (the common case) are indexed by that name, so matching an alert
 * checks only the runbooks for its alertname plus those without such a matcher, however many
 * runbooks there are. Results keep the order of the runbooks given. Immutable and thread-safe.
 */
public final class RunbookMatcher {

    /** A runbook with its place in the original list, to merge the two candidate lists in order. */
    private record Candidate(int order, Runbook runbook, AlertTrigger trigger) {
    }

    private final Map<String, List<Candidate>> byAlertName;
    private final List<Candidate> unindexed;
    private final int size;

    public RunbookMatcher(List<Runbook> runbooks) {
        Objects.requireNonNull(runbooks, "runbooks");
        Map<String, List<Candidate>> index = new HashMap<>();
        List<Candidate> rest = new ArrayList<>();
        int order = 0;
        for (Runbook runbook : runbooks) {
            Optional<AlertTrigger> trigger = runbook.alertTrigger();
            if (trigger.isEmpty()) {
                continue;
            }
            Candidate candidate = new Candidate(order++, runbook, trigger.get());
            Optional<String> alertName = trigger.get().alertName();
            if (alertName.isPresent()) {
                index.computeIfAbsent(alertName.get(), name -> new ArrayList<>()).add(candidate);
            } else {
                rest.add(candidate);
            }
        }
        Map<String, List<Candidate>> frozen = new HashMap<>();
        index.forEach((name, candidates) -> frozen.put(name, List.copyOf(candidates)));
        this.byAlertName = Map.copyOf(frozen);
        this.unindexed = List.copyOf(rest);
        this.size = order;
    }

    /** The runbooks {@code alert} starts: all matchers match and the status is accepted. */
    public List<Runbook> matching(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        List<Candidate> named = byAlertName.getOrDefault(alert.name(), List.of());
        List<Runbook> matches = new ArrayList<>();
        int i = 0;
        int j = 0;
        // Both lists are in runbook order: merge them to keep it.
        while (i < named.size() || j < unindexed.size()) {
            Candidate next = j >= unindexed.size() || (i < named.size() && named.get(i).order() < unindexed.get(j).order())
                    ? named.get(i++) : unindexed.get(j++);
            if (next.trigger().matches(alert)) {
                matches.add(next.runbook());
            }
        }
        return List.copyOf(matches);
    }

    /** How many runbooks have an alert trigger. */
    public int size() {
        return size;
    }
}
