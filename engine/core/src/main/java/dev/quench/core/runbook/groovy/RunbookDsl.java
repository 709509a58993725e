package dev.quench.core.runbook.groovy;

import dev.quench.core.runbook.AlertTrigger;
import dev.quench.core.runbook.ApprovalPolicy;
import dev.quench.core.runbook.LabelMatcher;
import dev.quench.core.runbook.LabelMatcherParser;
import dev.quench.core.runbook.ParamSpec;
import dev.quench.core.runbook.ParamType;
import dev.quench.core.runbook.RunbookGuards;
import dev.quench.core.runbook.ScheduleSpec;
import dev.quench.core.runbook.ScheduleSpecParser;
import dev.quench.core.runbook.TriggerStatus;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code runbook { }} block of a Groovy runbook: the same metadata as the YAML format. */
public final class RunbookDsl {

    String name;
    String description = "";
    String owner = "";
    int manualMinutes;
    AlertTrigger alertTrigger;
    final List<ParamSpec> params = new ArrayList<>();
    Duration timeLimit = Duration.ofMinutes(30);
    ScheduleSpec schedule;
    RunbookGuards guards = RunbookGuards.NONE;
    ApprovalPolicy approval = ApprovalPolicy.NONE;
    boolean resumable;
    Duration toilReplaces;

    public void name(String value) {
        if (!value.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("invalid name '" + value + "': use lower-case letters, digits and -");
        }
        name = value;
    }

    public void description(String value) {
        description = value;
    }

    public void owner(String value) {
        owner = value;
    }

    public void manualMinutes(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("manualMinutes must be 0 or more");
        }
        manualMinutes = value;
    }

    /**
     * {@code toilReplaces '1d'}: how often the manual task the scheduled runs replace was done by hand (YAML's
     * {@code toil.replaces}), 1m to 366d; only with a schedule.
     */
    public void toilReplaces(String value) {
        Duration period;
        try {
            period = dev.quench.core.util.Durations.parse(value);
        } catch (IllegalArgumentException e) {
            period = null;
        }
        if (period == null || period.compareTo(Duration.ofMinutes(1)) < 0 || period.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("toilReplaces must be how often the manual task was done by hand, a "
                    + "duration from 1m to 366d like '1d' or '7d'; found '" + value + "'");
        }
        toilReplaces = period;
    }

    /** {@code alert matchers: ['alertname="X"'], status: 'firing'}. */
    public void alert(Map<String, Object> options) {
        Object matchers = options.get("matchers");
        if (!(matchers instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("alert needs matchers: ['alertname=\"X\"'] (at least one)");
        }
        List<LabelMatcher> parsed = new ArrayList<>();
        list.forEach(matcher -> parsed.add(LabelMatcherParser.parse(matcher.toString())));
        String statusText = String.valueOf(options.getOrDefault("status", "firing"));
        TriggerStatus status = TriggerStatus.parse(statusText).orElseThrow(() ->
                new IllegalArgumentException("unknown status '" + statusText + "' (firing, resolved or any)"));
        alertTrigger = new AlertTrigger(parsed, status);
    }

    /** The options a {@code param} takes; any other is refused, so a misspelt {@code site} is not silently lost. */
    private static final List<String> PARAM_OPTIONS = List.of("type", "default", "required", "description", "site");

    /**
     * {@code param 'logDir', type: 'string', default: '/var/log/app', required: false, description: '...'}; with
     * {@code site: true} the value is the runbook's default or the site's and no run request may set it.
     */
    public void param(Map<String, Object> options, String paramName) {
        if (!paramName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("invalid param name '" + paramName + "'");
        }
        for (String option : options.keySet()) {
            if (!PARAM_OPTIONS.contains(option)) {
                throw new IllegalArgumentException("unknown option '" + option + "' of param '" + paramName + "'"
                        + DidYouMean.hint(option, PARAM_OPTIONS) + " (options: " + String.join(", ", PARAM_OPTIONS) + ")");
            }
        }
        Object site = options.getOrDefault("site", false);
        if (!(site instanceof Boolean)) {
            throw new IllegalArgumentException("site of param '" + paramName + "' must be true or false, found '" + site
                    + "' (site: true: the value is the runbook's default or the site's, params: in quench.yaml, and "
                    + "a run request that sets it is refused)");
        }
        Optional<ParamType> type = Optional.empty();
        Object default_ = options.get("default");
        if (options.containsKey("type")) {
            String name = String.valueOf(options.get("type"));
            type = ParamType.parse(name);
            if (type.isEmpty()) {
                String hint = ParamType.alias(name).map(alias -> " — did you mean '" + alias + "'?")
                        .orElseGet(() -> DidYouMean.hint(name, ParamType.names()));
                throw new IllegalArgumentException("unknown type '" + name + "' of param '" + paramName + "'" + hint
                        + " (types: " + String.join(", ", ParamType.names()) + ")");
            }
            if (default_ != null) {
                try {
                    default_ = type.get().convert(default_);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the default of param '" + paramName + "' (type: " + name + "): "
                            + e.getMessage(), e);
                }
            }
        }
        params.add(new ParamSpec(paramName, Optional.ofNullable(default_), Boolean.TRUE.equals(options.get("required")),
                String.valueOf(options.getOrDefault("description", "")), type, (Boolean) site));
    }

    public void param(String paramName) {
        param(Map.of(), paramName);
    }

    /** How long the body may run in all, like '10m' (default 30m). */
    public void timeLimit(String value) {
        timeLimit = Durations.parse(value);
    }

    /** {@code schedule cron: '0 30 3 * * ?', timezone: 'UTC', jitter: '5m', misfire: 'skip', allowOverlap: false}. */
    public void schedule(Map<String, Object> options) {
        Map<String, Object> plain = new java.util.LinkedHashMap<>();
        options.forEach((key, value) -> plain.put(key, value instanceof CharSequence text ? text.toString() : value));
        ScheduleSpecParser.Result parsed = ScheduleSpecParser.parse(plain);
        if (parsed.spec().isEmpty()) {
            throw new IllegalArgumentException(parsed.problems().stream()
                    .map(problem -> "schedule " + problem.field() + ": " + problem.message())
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
        schedule = parsed.spec().get();
    }

    private static final List<String> GUARD_FIELDS = List.of("cooldown", "maxRunsPerHour", "dedupeKey", "breaker",
            "errorBudget", "lockKey");

    /**
     * {@code guards cooldown: '30m', maxRunsPerHour: 3, dedupeKey: '${{ alert.labels.instance }}',
     * breaker: [failures: 3, within: '1h'], errorBudget: [query: '...', above: 14.4, then: 'requireApproval']},
     * as in YAML.
     */
    public void guards(Map<String, Object> options) {
        for (String field : options.keySet()) {
            if (!GUARD_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown guard '" + field + "'"
                        + DidYouMean.hint(field, GUARD_FIELDS) + " (guards: " + String.join(", ", GUARD_FIELDS) + ")");
            }
        }
        Optional<Duration> cooldown = Optional.ofNullable(options.get("cooldown")).map(value -> {
            Duration parsed = Durations.parse(value.toString());
            if (parsed.compareTo(Duration.ofSeconds(1)) < 0 || parsed.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("guards cooldown must be from 1s to 7d, found " + value);
            }
            return parsed;
        });
        java.util.OptionalInt maxRunsPerHour = java.util.OptionalInt.empty();
        Object max = options.get("maxRunsPerHour");
        if (max != null) {
            if (!(max instanceof Integer count) || count < 1 || count > 3600) {
                throw new IllegalArgumentException("guards maxRunsPerHour must be a whole number from 1 to 3600, found "
                        + max);
            }
            maxRunsPerHour = java.util.OptionalInt.of(count);
        }
        Optional<dev.quench.core.expr.Template> dedupeKey = Optional.ofNullable(options.get("dedupeKey"))
                .map(value -> dev.quench.core.expr.Template.compile(value.toString()));
        Optional<dev.quench.core.runbook.BreakerSpec> breaker = Optional.empty();
        if (options.get("breaker") != null) {
            if (!(options.get("breaker") instanceof Map<?, ?> fields)) {
                throw new IllegalArgumentException("guards breaker must be a map, like breaker: [failures: 3, within: '1h']");
            }
            breaker = Optional.of(dev.quench.core.runbook.BreakerParser.fromMap(fields));
        }
        Optional<dev.quench.core.runbook.ErrorBudgetSpec> errorBudget = Optional.empty();
        if (options.get("errorBudget") != null) {
            if (!(options.get("errorBudget") instanceof Map<?, ?> fields)) {
                throw new IllegalArgumentException("guards errorBudget must be a map, like errorBudget: [query: "
                        + "'slo:burn_rate1h{service=\"web\"}', above: 14.4, then: 'requireApproval']");
            }
            Map<Object, Object> plain = new java.util.LinkedHashMap<>();
            fields.forEach((key, value) -> plain.put(String.valueOf(key),
                    value instanceof CharSequence text ? text.toString() : value));
            errorBudget = Optional.of(dev.quench.core.runbook.ErrorBudgetParser.fromMap(plain));
        }
        dev.quench.core.runbook.LockKeySpec lockKey = dev.quench.core.runbook.LockKeySpec.DEFAULT;
        if (options.get("lockKey") != null) {
            String text = options.get("lockKey").toString().strip();
            lockKey = text.equals("none") ? new dev.quench.core.runbook.LockKeySpec.None()
                    : new dev.quench.core.runbook.LockKeySpec.Expression(dev.quench.core.expr.Template.compile(text));
        }
        guards = new RunbookGuards(cooldown, maxRunsPerHour, dedupeKey, breaker, errorBudget, lockKey);
    }

    /** {@code approval 'required'} or {@code approval 'none'}. */
    public void approval(String value) {
        switch (value) {
            case "required" -> approval = new ApprovalPolicy(true, Optional.empty());
            case "none" -> approval = ApprovalPolicy.NONE;
            default -> throw new IllegalArgumentException("approval must be 'none' or 'required' (or required: true, "
                    + "timeout: '1h'), found '" + value + "'");
        }
    }

    /** {@code approval required: true, timeout: '1h'}: unapproved runs are rejected after the timeout. */
    public void approval(Map<String, Object> options) {
        if (!Boolean.TRUE.equals(options.get("required"))) {
            approval = ApprovalPolicy.NONE;
            return;
        }
        Optional<Duration> timeout = Optional.ofNullable(options.get("timeout")).map(value -> {
            Duration parsed = Durations.parse(value.toString());
            if (parsed.compareTo(Duration.ofMinutes(1)) < 0 || parsed.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("approval timeout must be from 1m to 30d, found " + value);
            }
            return parsed;
        });
        approval = new ApprovalPolicy(true, timeout);
    }

    /** {@code resumable true}: a run whose node died inside a step starts again on another node. */
    public void resumable(boolean value) {
        resumable = value;
    }
}
