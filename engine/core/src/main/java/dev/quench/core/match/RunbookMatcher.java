package dev.quench.core.match;

import dev.quench.core.alert.Alert;
import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.MatchOperator;
import dev.quench.core.runbook.RegexPrefixes;
import dev.quench.core.runbook.Runbook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Finds the runbooks an alert starts. Built once from the loaded runbooks; runbooks with an
 * {@code alertname="..."} matcher (the common case) are indexed by that name, and runbooks with an
 * {@code alertname=~"..."} matcher whose every alternative starts with a literal
 * ({@code KubePod.*|Node.*}) by those prefixes, so matching an alert checks only the runbooks that
 * can match its alertname plus those the index cannot place, however many runbooks there are.
 * Results keep the order of the runbooks given. Immutable and thread-safe.
 */
public final class RunbookMatcher {

    /**
     * A runbook with its place in the original list, to merge the candidate lists in order.
     *
     * @param shared its index in {@link #shared} when the index cannot place it, else -1
     */
    private record Candidate(int order, Runbook runbook, AlertTrigger trigger, int shared) {

        Candidate withShared(int index) {
            return new Candidate(order, runbook, trigger, index);
        }
    }

    private final Map<String, List<Candidate>> byAlertName;
    private final Map<String, List<Candidate>> byAlertNamePrefix;
    /** The distinct lengths of the prefixes above: an alert's name is looked up at these lengths only. */
    private final int[] prefixLengths;
    private final List<Candidate> unindexed;
    private final SharedMatchers shared;
    private final int size;

    public RunbookMatcher(List<Runbook> runbooks) {
        Objects.requireNonNull(runbooks, "runbooks");
        Map<String, List<Candidate>> index = new HashMap<>();
        Map<String, List<Candidate>> prefixIndex = new HashMap<>();
        List<Candidate> rest = new ArrayList<>();
        int order = 0;
        for (Runbook runbook : runbooks) {
            Optional<AlertTrigger> trigger = runbook.alertTrigger();
            if (trigger.isEmpty()) {
                continue;
            }
            Candidate candidate = new Candidate(order++, runbook, trigger.get(), -1);
            Optional<String> alertName = trigger.get().alertName();
            Optional<List<String>> prefixes = alertName.isPresent() ? Optional.empty() : namePrefixes(trigger.get());
            if (alertName.isPresent()) {
                index.computeIfAbsent(alertName.get(), name -> new ArrayList<>()).add(candidate);
            } else if (prefixes.isPresent()) {
                for (String prefix : new TreeSet<>(prefixes.get())) {
                    prefixIndex.computeIfAbsent(prefix, ignored -> new ArrayList<>()).add(candidate);
                }
            } else {
                rest.add(candidate.withShared(rest.size()));
            }
        }
        this.byAlertName = freeze(index);
        this.byAlertNamePrefix = freeze(prefixIndex);
        this.prefixLengths = prefixIndex.keySet().stream().mapToInt(String::length).distinct().sorted().toArray();
        this.unindexed = List.copyOf(rest);
        this.shared = new SharedMatchers(rest.stream().map(Candidate::trigger).toList());
        this.size = order;
    }

    private static Optional<List<String>> namePrefixes(AlertTrigger trigger) {
        return trigger.matchers().stream()
                .filter(matcher -> matcher.name().equals("alertname") && matcher.operator() == MatchOperator.REGEX)
                .map(matcher -> RegexPrefixes.of(matcher.value()))
                .flatMap(Optional::stream)
                .findFirst();
    }

    private static Map<String, List<Candidate>> freeze(Map<String, List<Candidate>> index) {
        Map<String, List<Candidate>> frozen = new HashMap<>();
        index.forEach((key, candidates) -> frozen.put(key, List.copyOf(candidates)));
        return Map.copyOf(frozen);
    }

    /** The runbooks {@code alert} starts: all matchers match and the status is accepted. */
    public List<Runbook> matching(Alert alert) {
        Objects.requireNonNull(alert, "alert");
        String name = alert.name();
        List<Candidate> candidates = new ArrayList<>(byAlertName.getOrDefault(name, List.of()));
        boolean merged = false;
        for (int length : prefixLengths) {
            if (length > name.length()) {
                break;
            }
            List<Candidate> byPrefix = byAlertNamePrefix.get(name.substring(0, length));
            if (byPrefix != null) {
                candidates.addAll(byPrefix);
                merged = true;
            }
        }
        if (!unindexed.isEmpty()) {
            candidates.addAll(unindexed);
            merged = true;
        }
        if (merged) {
            // Keep the runbooks' order; a runbook indexed under two prefixes of this name comes once.
            candidates.sort(Comparator.comparingInt(Candidate::order));
        }
        SharedMatchers.Evaluation evaluation = unindexed.isEmpty() ? null : shared.evaluate(alert);
        List<Runbook> matches = new ArrayList<>();
        int previous = -1;
        for (Candidate candidate : candidates) {
            if (candidate.order() != previous && matches(candidate, alert, evaluation)) {
                matches.add(candidate.runbook());
            }
            previous = candidate.order();
        }
        return List.copyOf(matches);
    }

    private static boolean matches(Candidate candidate, Alert alert, SharedMatchers.Evaluation evaluation) {
        if (candidate.shared() < 0) {
            return candidate.trigger().matches(alert);
        }
        return candidate.trigger().status().accepts(alert.status()) && evaluation.matchers(candidate.shared());
    }

    /** How many runbooks have an alert trigger. */
    public int size() {
        return size;
    }
}
