package dev.quench.core.runbook;

import dev.quench.core.alert.Alert;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which alerts start a runbook: all matchers must match, and the status must be accepted.
 *
 * @param matchers Alertmanager matchers, never empty
 * @param status   which alert statuses start the runbook
 */
public record AlertTrigger(List<LabelMatcher> matchers, TriggerStatus status) {

    public AlertTrigger {
        matchers = List.copyOf(Objects.requireNonNull(matchers, "matchers"));
        Objects.requireNonNull(status, "status");
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("an alert trigger needs at least one matcher, or it would match every alert");
        }
    }

    /** Whether {@code alert} starts the runbook. */
    public boolean matches(Alert alert) {
        if (!status.accepts(alert.status())) {
            return false;
        }
        for (LabelMatcher matcher : matchers) {
            if (!matcher.matches(alert.labels())) {
                return false;
            }
        }
        return true;
    }

    /** The value of the first {@code alertname="..."} matcher, which the matcher index uses. */
    public Optional<String> alertName() {
        return matchers.stream()
                .filter(matcher -> matcher.name().equals("alertname")
                        && matcher.operator() == MatchOperator.EQUAL)
                .map(LabelMatcher::value)
                .findFirst();
    }
}
