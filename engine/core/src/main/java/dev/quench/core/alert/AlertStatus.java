package dev.quench.core.alert;

import java.util.Locale;
import java.util.Optional;

/** Whether an alert is firing or has resolved. */
public enum AlertStatus {
    FIRING("firing"),
    RESOLVED("resolved");

    private final String wireName;

    AlertStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in payloads and runbooks. */
    public String wireName() {
        return wireName;
    }

    /** Parses {@code firing} / {@code resolved}, any case. */
    public static Optional<AlertStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "firing" -> Optional.of(FIRING);
            case "resolved" -> Optional.of(RESOLVED);
            default -> Optional.empty();
        };
    }
}
