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
 * A runbook, loaded and checked: what it is, which alerts and schedule start it, its params, guards,
 * approval and steps. Every section is parsed once, at load, into the typed field below. Immutable and
 * thread-safe. Build one with {@link #builder(String, Path)}.
 *
 * @param name          unique name, {@code [a-z0-9-]+}
 * @param description   what it does, may be empty
 * @param owner         the team that owns it, for the toil ledger; may be empty
 * @param manualMinutes what handling its alert by hand costs an engineer ({@code toil.manualMinutes})
 * @param alertTrigger  which alerts start it, if any (it may be scheduled or manual only)
 * @param params        declared params, in the order written
 * @param steps         the steps, in order
 * @param schedule      when it runs by the clock ({@code triggers.schedule}), if it does; a schedule
 *                      written with {@code enabled: false} is present and says so
 * @param guards        how often it may start ({@code guards:}); {@link RunbookGuards#NONE} when not written
 * @param approval      whether a person approves each run ({@code approval:}); {@link ApprovalPolicy#NONE}
 *                      when not written
 * @param source        the file it came from
 * @param verify        checks run after the steps succeeded, each again every {@code every} until it passes or its
 *                      {@code timeout} ends ({@code verify:}); one that never passes fails the run as not recovered
 * @param onFailure     steps run after a step failed and stopped the run, or a verify step never passed (escalation,
 *                      paging)
 * @param finallySteps  steps run at the end of every run, whatever happened ({@code finally:})
 * @param body          for a runbook written as code: the body that calls its steps (then
 *                      {@code steps} is empty)
 * @param resumable     whether a run interrupted inside a step (its node died) may be run again from the
 *                      start on another node ({@code resumable: true}); by default it is recorded
 *                      interrupted and not repeated
 * @param toilReplaces  for scheduled runs: how often the manual task they replace was done by hand
 *                      ({@code toil.replaces}); a scheduled run saves {@code manualMinutes} at most once per this
 *                      period, and nothing when it is empty (a heartbeat cron saves no toil)
 */
public record Runbook(String name, String description, String owner, int manualMinutes,
                      Optional<AlertTrigger> alertTrigger, List<ParamSpec> params, List<StepSpec> steps,
                      Optional<ScheduleSpec> schedule, RunbookGuards guards, ApprovalPolicy approval,
                      Path source, List<StepSpec> verify, List<StepSpec> onFailure, List<StepSpec> finallySteps,
                      Optional<RunbookBody> body, boolean resumable, Optional<java.time.Duration> toilReplaces) {

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
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(guards, "guards");
        Objects.requireNonNull(approval, "approval");
        Objects.requireNonNull(source, "source");
        verify = List.copyOf(Objects.requireNonNull(verify, "verify"));
        onFailure = List.copyOf(Objects.requireNonNull(onFailure, "onFailure"));
        finallySteps = List.copyOf(Objects.requireNonNull(finallySteps, "finallySteps"));
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(toilReplaces, "toilReplaces");
    }

    /**
     * A builder for the runbook {@code name} from the file {@code source}; every other part starts
     * empty (no trigger, schedule, params, steps, guards or approval; not resumable).
     */
    public static Builder builder(String name, Path source) {
        return new Builder(name, source);
    }

    /** The param called {@code paramName}, if declared. */
    public Optional<ParamSpec> param(String paramName) {
        return params.stream().filter(param -> param.name().equals(paramName)).findFirst();
    }

    /** The step with {@code stepId}, in any section (steps, verify, onFailure, finally), if any. */
    public Optional<StepSpec> step(String stepId) {
        return java.util.stream.Stream.of(steps, verify, onFailure, finallySteps).flatMap(List::stream)
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
            } else if (param.required() && param.site()) {
                throw new IllegalArgumentException("runbook '" + name + "' needs param '" + param.name()
                        + "', which is site configuration (site: true): set it in quench.yaml as params: {" + name
                        + ": {" + param.name() + ": ...}} and restart");
            } else if (param.required()) {
                throw new IllegalArgumentException("runbook '" + name + "' needs param '" + param.name()
                        + "': set it, e.g. --param " + param.name() + "=...");
            } else {
                resolved.put(param.name(), param.defaultValue().orElse(null));
            }
        }
        return Collections.unmodifiableMap(resolved);
    }

    /**
     * Why a run request that sets the params {@code requested} is refused, or empty when it may: a site param
     * ({@code site: true}) takes the runbook's default or the site's value (quench.yaml {@code params:}) only.
     * The API, the console and {@code quench run --param} ask this; runbook tests, which stand in for the site,
     * and the site's own values do not.
     */
    public Optional<String> siteParamRefusal(java.util.Collection<String> requested) {
        Objects.requireNonNull(requested, "requested");
        List<String> site = params.stream().filter(ParamSpec::site).map(ParamSpec::name)
                .filter(requested::contains).toList();
        if (site.isEmpty()) {
            return Optional.empty();
        }
        String which = site.size() == 1 ? "param '" + site.get(0) + "' is" : "params '" + String.join("', '", site)
                + "' are";
        return Optional.of("runbook '" + name + "': " + which + " site configuration (site: true), which a run request "
                + "cannot set: the value is the runbook's default or the site's (params: {" + name + ": {" + site.get(0)
                + ": ...}} in quench.yaml); nothing was started. Leave it out of the request, or change the site's "
                + "value in quench.yaml");
    }

    /** Collects the parts of a {@link Runbook}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Path source;
        private String description = "";
        private String owner = "";
        private int manualMinutes;
        private Optional<AlertTrigger> alertTrigger = Optional.empty();
        private List<ParamSpec> params = List.of();
        private List<StepSpec> steps = List.of();
        private Optional<ScheduleSpec> schedule = Optional.empty();
        private RunbookGuards guards = RunbookGuards.NONE;
        private ApprovalPolicy approval = ApprovalPolicy.NONE;
        private List<StepSpec> verify = List.of();
        private List<StepSpec> onFailure = List.of();
        private List<StepSpec> finallySteps = List.of();
        private Optional<RunbookBody> body = Optional.empty();
        private Optional<java.time.Duration> toilReplaces = Optional.empty();
        private boolean resumable;

        private Builder(String name, Path source) {
            this.name = Objects.requireNonNull(name, "name");
            this.source = Objects.requireNonNull(source, "source");
        }

        public Builder description(String newDescription) {
            description = newDescription;
            return this;
        }

        public Builder owner(String newOwner) {
            owner = newOwner;
            return this;
        }

        public Builder manualMinutes(int minutes) {
            manualMinutes = minutes;
            return this;
        }

        public Builder alertTrigger(Optional<AlertTrigger> trigger) {
            alertTrigger = Objects.requireNonNull(trigger, "trigger");
            return this;
        }

        public Builder alertTrigger(AlertTrigger trigger) {
            return alertTrigger(Optional.of(trigger));
        }

        public Builder params(List<ParamSpec> newParams) {
            params = newParams;
            return this;
        }

        public Builder steps(List<StepSpec> newSteps) {
            steps = newSteps;
            return this;
        }

        public Builder schedule(Optional<ScheduleSpec> newSchedule) {
            schedule = Objects.requireNonNull(newSchedule, "schedule");
            return this;
        }

        public Builder schedule(ScheduleSpec newSchedule) {
            return schedule(Optional.of(newSchedule));
        }

        public Builder guards(RunbookGuards newGuards) {
            guards = newGuards;
            return this;
        }

        public Builder approval(ApprovalPolicy newApproval) {
            approval = newApproval;
            return this;
        }

        /** The checks run after the steps succeeded ({@code verify:}). */
        public Builder verify(List<StepSpec> steps) {
            verify = steps;
            return this;
        }

        public Builder onFailure(List<StepSpec> steps) {
            onFailure = steps;
            return this;
        }

        public Builder finallySteps(List<StepSpec> steps) {
            finallySteps = steps;
            return this;
        }

        /** For a runbook written as code: the body that calls its steps. */
        public Builder body(RunbookBody newBody) {
            body = Optional.of(newBody);
            return this;
        }

        /** How often the manual task its scheduled runs replace was done by hand ({@code toil.replaces}). */
        public Builder toilReplaces(Optional<java.time.Duration> period) {
            toilReplaces = period;
            return this;
        }

        /** Whether an interrupted run may start again on another node ({@code resumable: true}). */
        public Builder resumable(boolean newResumable) {
            resumable = newResumable;
            return this;
        }

        /**
         * The runbook.
         *
         * @throws NullPointerException     when a part was set to null
         * @throws IllegalArgumentException when {@code manualMinutes} is negative
         */
        public Runbook build() {
            return new Runbook(name, description, owner, manualMinutes, alertTrigger, params, steps, schedule, guards,
                    approval, source, verify, onFailure, finallySteps, body, resumable, toilReplaces);
        }
    }
}
