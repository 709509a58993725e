package dev.quench.core.runbook;

import dev.quench.core.alert.AlertStatus;
import java.util.Locale;
import java.util.Optional;

/** Which alert statuses start a runbook: firing (the default), resolved, or any. */
public enum TriggerStatus {
    FIRING,
    RESOLVED,
    ANY;

    /** Whether an alert with {@code status} starts the runbook. */
    public boolean accepts(AlertStatus status) {
        return switch (this) {
            case FIRING -> status == AlertStatus.FIRING;
            case RESOLVED -> status == AlertStatus.RESOLVED;
            case ANY -> true;
        };
    }

    /** The name as written in runbooks. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code firing}, {@code resolved} or {@code any}, exactly as written in runbooks. */
    public static Optional<TriggerStatus> parse(String text) {
        for (TriggerStatus status : values()) {
            if (status.wireName().equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
