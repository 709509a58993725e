package dev.quench.core.console;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether the signed-in principal may take one action on the page, and if not, why: the console shows the
 * button only when it is allowed and says why otherwise (the server refuses a forged request all the same).
 *
 * @param allowed whether the button exists
 * @param why     why it does not (empty when allowed)
 */
public record ActionState(boolean allowed, String why) {

    public ActionState {
        Objects.requireNonNull(why, "why");
    }

    /** Allowed unless {@code refusal} says why not. */
    public static ActionState of(Optional<String> refusal) {
        return refusal.map(reason -> new ActionState(false, reason)).orElse(new ActionState(true, ""));
    }
}
