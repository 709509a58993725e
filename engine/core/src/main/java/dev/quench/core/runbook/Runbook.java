package dev.quench.core.runbook;

import dev.quench.core.util.DidYouMean;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A runbook, loaded and checked: what it is, which alerts start it, its params and its steps.
 * Immutable and thread-safe.
 *
 * @param name          unique name, {@code [a-z0-9-]+}
 * @param description   what it does, may be empty
 * @param owner         the team that owns it, for the toil ledger; may be empty
 * @param manualMinutes what handling its alert by hand costs an engineer ({@code toil.manualMinutes})
 * @param alertTrigger  which alerts start it, if any (it may be scheduled or manual only)
 * @param params        declared params, in the order written
 * @param steps         the steps, in order
 * @param deferred      sections read by other parts of the engine, keyed by their path:
 *                      {@code triggers.schedule} as plain YAML values, {@code guards} and
 *                      {@code approval} parsed ({@link RunbookGuards#of}, {@link ApprovalPolicy#of})
 * @param source        the file it came from
 * @param onFailure     steps run after a step failed and stopped the run (escalation, paging)
 * @param finallySteps  steps run at the end of every run, whatever happened ({@code finally:})
 * @param body          for a runbook written as code: the body that calls its steps (then
 *                      {@code steps} is empty)
 */
public record Runbook(String name, String description, String owner, int manualMinutes,
                      Optional<AlertTrigger> alertTrigger, List<ParamSpec> params, List<StepSpec> steps,
                      Map<String, Object> deferred, Path source, List<StepSpec> onFailure,
                      List<StepSpec> finallySteps, Optional<RunbookBody> body) {

    public Runbook {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        owner = owner == null ? "" : owner;
        if (manualMinutes < 0) {
            throw new IllegalArgumentException("manualMinutes must be >= 0, was " + manualMinutes);
        }
        Objects.requireNonNull(alertTrigger, "alertTrigger");
        params = List.copyOf(Objects.requireNonNull(params, "params"));
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        deferred = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(deferred, "deferred")));
        Objects.requireNonNull(source, "source");
        onFailure = List.copyOf(Objects.requireNonNull(onFailure, "onFailure"));
        finallySteps = List.copyOf(Objects.requireNonNull(finallySteps, "finallySteps"));
        Objects.requireNonNull(body, "body");
    }

    /** A runbook of YAML steps. */
    public Runbook(String name, String description, String owner, int manualMinutes,
                   Optional<AlertTrigger> alertTrigger, List<ParamSpec> params, List<StepSpec> steps,
                   Map<String, Object> deferred, Path source, List<StepSpec> onFailure, List<StepSpec> finallySteps) {
        this(name, description, owner, manualMinutes, alertTrigger, params, steps, deferred, source, onFailure,
                finallySteps, Optional.empty());
    }

    /** A runbook with no onFailure or finally steps. */
    public Runbook(String name, String description, String owner, int manualMinutes,
                   Optional<AlertTrigger> alertTrigger, List<ParamSpec> params, List<StepSpec> steps,
                   Map<String, Object> deferred, Path source) {
        this(name, description, owner, manualMinutes, alertTrigger, params, steps, deferred, source, List.of(),
                List.of(), Optional.empty());
    }

    /** The param called {@code paramName}, if declared. */
    public Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(param -> param.name().equals(paramName)).findFirst();
    }

    /** The {@link #deferred()} key of {@code resumable: true}. */
    public static final String RESUMABLE = "resumable";

    /**
     * Whether a run interrupted inside a step (its node died) may be run again from the start on
     * another node ({@code resumable: true}); by default it is recorded interrupted and not repeated.
     */
    public boolean resumable() {
        return Boolean.TRUE.equals(deferred.get(RESUMABLE));
    }

    /** The step with {@code stepId}, in any section (steps, onFailure, finally), if any. */
    public Optional<StepSpec> step(String stepId) {
        return java.util.stream.Stream.of(steps, onFailure, finallySteps).flatMap(List::stream)
                .filter(step -> step.id().equals(stepId)).findFirst();
    }

    /**
     * The params of one run: each declared param's override, else its default. Overrides of typed
     * params are converted to the type (text {@code "5"} to the int 5, {@code "a,b"} to a list);
     * overrides of untyped params are text (use {@code toInt(params.x)} where a number is needed).
     *
     * @return every declared param, in declared order; a param with neither is null
     * @throws IllegalArgumentException for an override of an undeclared param, a value that does not
     *                                  fit the param's type, or a required param without one, naming
     *                                  the param and the runbook
     */
    public Map<String, Object> resolveParams(Map<String, ?> overrides) {
        Objects.requireNonNull(overrides, "overrides");
        List<String> declared = params.stream().map(ParamSpec::name).toList();
        for (String key : overrides.keySet().stream().sorted().toList()) {
            if (!declared.contains(key)) {
                throw new IllegalArgumentException("runbook '" + name + "' has no param '" + key + "'"
                        + DidYouMean.hint(key, declared) + " ("
                        + (declared.isEmpty() ? "it declares no params" : "declared: " + String.join(", ", declared)) + ")");
            }
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (ParamSpec param : params) {
            if (overrides.containsKey(param.name())) {
                try {
                    resolved.put(param.name(), param.convert(overrides.get(param.name())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("runbook '" + name + "': " + e.getMessage(), e);
                }
            } else if (param.required()) {
                throw new IllegalArgumentException("runbook '" + name + "' needs param '" + param.name()
                        + "': set it, e.g. --param " + param.name() + "=...");
            } else {
                resolved.put(param.name(), param.defaultValue().orElse(null));
            }
        }
        return Collections.unmodifiableMap(resolved);
    }
}
