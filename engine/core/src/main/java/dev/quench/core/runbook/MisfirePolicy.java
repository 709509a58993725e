package dev.quench.core.runbook;

import java.util.Locale;
import java.util.Optional;

/** What a schedule does with fires missed while the engine was down or too busy. */
public enum MisfirePolicy {
    /** Run once as soon as possible, however many fires were missed (the default). */
    RUN_ONCE("runOnce"),
    /** Skip the missed fires and wait for the next one; each skip is recorded. */
    SKIP("skip");

    private final String wireName;

    MisfirePolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The policy written as {@code text} ({@code runOnce} or {@code skip}, any case). */
    public static Optional<MisfirePolicy> parse(String text) {
        for (MisfirePolicy policy : values()) {
            if (policy.wireName.toLowerCase(Locale.ROOT).equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }
}
