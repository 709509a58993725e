package dev.quench.core.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a run is in its life: queued → running → succeeded | failed | cancelled. Before it is
 * queued a run may be refused by its guards (refused), or wait for a person (awaiting_approval →
 * queued, or rejected). In a cluster a run whose node died inside a step is recorded interrupted (its
 * onFailure and finally steps ran on the node that took it over); it is not repeated unless its
 * runbook is {@code resumable: true}.
 */
public enum RunStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    REFUSED,
    AWAITING_APPROVAL,
    REJECTED,
    INTERRUPTED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == REFUSED || this == REJECTED
                || this == INTERRUPTED;
    }

    @JsonCreator
    public static RunStatus parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown run status '" + text
                    + "': use queued, running, succeeded, failed, cancelled, "
                    + "refused, awaiting_approval, rejected or interrupted", e);
        }
    }
}
