package dev.quench.core.store;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a token may do, from least to most; each role may do everything the ones before it may.
 * <ul>
 * <li>{@code sender}: post alerts to webhooks;</li>
 * <li>{@code viewer}: read runs, alerts, runbooks, schedules, toil and audit;</li>
 * <li>{@code operator}: start runs, cancel, approve and reject, pause and resume;</li>
 * <li>{@code admin}: everything, including tokens.</li>
 * </ul>
 */
public enum Role {
    SENDER, VIEWER, OPERATOR, ADMIN;

    /** The role as written in the CLI, the API and the store: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this role may do what {@code needed} may. */
    public boolean atLeast(Role needed) {
        return compareTo(needed) >= 0;
    }

    /**
     * The role named {@code text}.
     *
     * @throws IllegalArgumentException naming the text and the roles there are
     */
    public static Role parse(String text) {
        return Arrays.stream(values()).filter(role -> role.wireName().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + text
                        + "': a role is sender, viewer, operator or admin"));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
