package dev.quench.core.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What started a run. */
public enum TriggerType {
    ALERT,
    MANUAL,
    SCHEDULE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TriggerType parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
