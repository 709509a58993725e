package dev.quench.core.expr;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a template may refer to, as the runbook declares it: its params, the steps that run before
 * the one being compiled, and all its steps (to say "runs later" rather than "unknown").
 * {@link #unchecked()} skips these checks, for templates outside a runbook.
 *
 * @param checked      whether params and steps are checked at all
 * @param params       declared param names
 * @param earlierSteps ids of the steps before this one, in order
 * @param allSteps     ids of every step of the runbook
 * @param forEachItem  whether {@code item} and {@code itemIndex} are defined (inside a step with {@code forEach})
 */
public record Declarations(boolean checked, Set<String> params, List<String> earlierSteps, Set<String> allSteps,
                           boolean forEachItem) {

    public Declarations {
        params = Set.copyOf(Objects.requireNonNull(params, "params"));
        earlierSteps = List.copyOf(Objects.requireNonNull(earlierSteps, "earlierSteps"));
        allSteps = Set.copyOf(Objects.requireNonNull(allSteps, "allSteps"));
    }

    /** Checks {@code params.x} and {@code steps.x} references against these names. */
    public static Declarations of(Set<String> params, List<String> earlierSteps, Set<String> allSteps) {
        return new Declarations(true, params, earlierSteps, allSteps, false);
    }

    /** These declarations inside a step with {@code forEach}: {@code item} and {@code itemIndex} are defined. */
    public Declarations withForEachItem() {
        return new Declarations(checked, params, earlierSteps, allSteps, true);
    }

    /** Checks only top-level variables and functions. */
    public static Declarations unchecked() {
        return new Declarations(false, Set.of(), List.of(), Set.of(), true);
    }
}
