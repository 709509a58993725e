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
 * @param siteParams   the declared params that are site configuration ({@code site: true}): no run request sets
 *                     them, so they may decide where a request goes without a warning
 */
public record Declarations(boolean checked, Set<String> params, List<String> earlierSteps, Set<String> allSteps,
                           boolean forEachItem, Set<String> siteParams) {

    public Declarations {
        params = Set.copyOf(Objects.requireNonNull(params, "params"));
        siteParams = Set.copyOf(Objects.requireNonNull(siteParams, "siteParams"));
        earlierSteps = List.copyOf(Objects.requireNonNull(earlierSteps, "earlierSteps"));
        allSteps = Set.copyOf(Objects.requireNonNull(allSteps, "allSteps"));
    }

    /** Checks {@code params.x} and {@code steps.x} references against these names. */
    public static Declarations of(Set<String> params, List<String> earlierSteps, Set<String> allSteps) {
        return new Declarations(true, params, earlierSteps, allSteps, false, Set.of());
    }

    /** These declarations inside a step with {@code forEach}: {@code item} and {@code itemIndex} are defined. */
    public Declarations withForEachItem() {
        return new Declarations(checked, params, earlierSteps, allSteps, true, siteParams);
    }

    /** These declarations with {@code names} as the site params ({@code site: true}). */
    public Declarations withSiteParams(Set<String> names) {
        return new Declarations(checked, params, earlierSteps, allSteps, forEachItem, names);
    }

    /** Checks only top-level variables and functions. */
    public static Declarations unchecked() {
        return new Declarations(false, Set.of(), List.of(), Set.of(), true, Set.of());
    }
}
