package dev.quench.core.ledger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How the toil report groups runs. */
public enum ToilGrouping {
    RUNBOOK,
    TEAM,
    WEEK;

    @JsonCreator
    public static ToilGrouping parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot group toil by '" + text + "': use runbook, team or week", e);
        }
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
