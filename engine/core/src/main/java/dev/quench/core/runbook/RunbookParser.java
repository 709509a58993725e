package dev.quench.core.runbook;

import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.util.DidYouMean;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the YAML of one runbook file into a {@link Runbook}, or into problems: every section is
 * parsed here, once, into the runbook's typed fields. Thread-safe.
 */
public final class RunbookParser {

    static final Set<String> TOP_LEVEL = new LinkedHashSet<>(List.of("name", "description", "owner", "toil",
            "triggers", "params", "guards", "approval", "resumable", "steps", "verify", "onFailure", "finally"));
    private static final Set<String> TOIL_FIELDS = Set.of("manualMinutes", "replaces");
    private static final java.time.Duration SHORTEST_REPLACES = java.time.Duration.ofMinutes(1);
    private static final java.time.Duration LONGEST_REPLACES = java.time.Duration.ofDays(366);
    private static final Set<String> TRIGGER_FIELDS = new LinkedHashSet<>(List.of("alert", "schedule"));
    private static final Set<String> ALERT_FIELDS = new LinkedHashSet<>(List.of("matchers", "status"));
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

    private final StepParser stepParser;
    private final StepCatalog catalog;

    public RunbookParser(StepCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.stepParser = new StepParser(catalog);
    }

    /** A parsed runbook and where its name is written, to point at duplicates across files. */
    public record Parsed(Runbook runbook, SourcePosition namePosition) {
    }

    /** The runbook, or empty when {@code problems} got at least one problem. */
    public Optional<Parsed> parse(YamlNode root, ProblemList problems) {
        if (!(root instanceof YamlNode.Mapping mapping)) {
            problems.add(root.position(), "a runbook must be a YAML mapping with name:, steps: and so on, found "
                    + root.describe());
            return Optional.empty();
        }
        problems.checkKeys(mapping, TOP_LEVEL, "");
        String name = parseName(mapping, problems);
        String description = problems.optionalText(mapping, "description", "description").orElse("");
        String owner = problems.optionalText(mapping, "owner", "owner").orElse("");
        int manualMinutes = parseToil(mapping, problems);
        Optional<YamlNode.Mapping> triggers = triggers(mapping, problems);
        Optional<ScheduleSpec> schedule = triggers.flatMap(fields -> parseSchedule(fields, problems));
        Optional<AlertTrigger> trigger = triggers.flatMap(fields -> parseAlert(fields, problems));
        Optional<java.time.Duration> toilReplaces = parseToilReplaces(mapping, schedule.isPresent(), problems);
        List<ParamSpec> params = ParamsParser.parse(mapping, problems);
        StepParser.Sections steps = parseSteps(mapping, params, problems);
        RunbookGuards guards = GuardsParser.guards(mapping, params, problems);
        ErrorBudgetParser.requireStepType(mapping, catalog.types(), problems);
        ApprovalPolicy approval = GuardsParser.approval(mapping, problems);
        boolean resumable = StepOptionsParser.flag(mapping.entries().get("resumable"), "resumable", problems);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        Runbook runbook = Runbook.builder(name, problems.file()).description(description).owner(owner)
                .manualMinutes(manualMinutes).alertTrigger(trigger).schedule(schedule).params(params)
                .steps(steps.steps()).verify(steps.verify()).onFailure(steps.onFailure()).finallySteps(steps.finallySteps())
                .guards(guards).approval(approval).resumable(resumable).toilReplaces(toilReplaces).build();
        return Optional.of(new Parsed(runbook, mapping.entries().get("name").value().position()));
    }

    private static String parseName(YamlNode.Mapping mapping, ProblemList problems) {
        Optional<String> name = problems.optionalText(mapping, "name", "name");
        if (name.isEmpty()) {
            if (!mapping.entries().containsKey("name") || mapping.entries().get("name").value() instanceof YamlNode.Scalar) {
                SourcePosition position = mapping.entries().containsKey("name")
                        ? mapping.entries().get("name").keyPosition() : mapping.position();
                problems.add(position, "missing name: every runbook needs a unique one, like name: disk-full-log-cleanup");
            }
            return "";
        }
        if (!NAME.matcher(name.get()).matches()) {
            problems.add(mapping.entries().get("name").value().position(), "invalid name '" + name.get()
                    + "': use lower-case letters, digits and -, like disk-full-log-cleanup");
        }
        return name.get();
    }

    private static int parseToil(YamlNode.Mapping mapping, ProblemList problems) {
        YamlNode.Entry toil = mapping.entries().get("toil");
        if (toil == null) {
            return 0;
        }
        Optional<YamlNode.Mapping> fields = problems.mapping(toil.value(), "toil", "manualMinutes: 20");
        if (fields.isEmpty()) {
            return 0;
        }
        problems.checkKeys(fields.get(), TOIL_FIELDS, " in toil");
        YamlNode.Entry minutes = fields.get().entries().get("manualMinutes");
        if (minutes == null) {
            return 0;
        }
        if (minutes.value() instanceof YamlNode.Scalar scalar
                && (scalar.value() instanceof Integer || scalar.value() instanceof Long || scalar.value() instanceof BigInteger)
                && ((Number) scalar.value()).longValue() >= 0 && ((Number) scalar.value()).longValue() <= Integer.MAX_VALUE) {
            return ((Number) scalar.value()).intValue();
        }
        problems.add(minutes.value().position(), "toil.manualMinutes must be a whole number of minutes, 0 or more; found "
                + minutes.value().describe());
        return 0;
    }

    /**
     * {@code toil.replaces}: how often the manual task a scheduled run replaces was done by hand, 1m to 366d; only
     * with a schedule. Empty when not written (then scheduled runs save no toil).
     */
    private static Optional<java.time.Duration> parseToilReplaces(YamlNode.Mapping mapping, boolean scheduled,
                                                                  ProblemList problems) {
        YamlNode.Entry toil = mapping.entries().get("toil");
        if (toil == null || !(toil.value() instanceof YamlNode.Mapping fields)) {
            return Optional.empty();
        }
        YamlNode.Entry replaces = fields.entries().get("replaces");
        if (replaces == null) {
            return Optional.empty();
        }
        java.time.Duration period = null;
        if (replaces.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text) {
            try {
                period = dev.quench.core.util.Durations.parse(text);
            } catch (IllegalArgumentException e) {
                period = null;
            }
        }
        if (period == null || period.compareTo(SHORTEST_REPLACES) < 0 || period.compareTo(LONGEST_REPLACES) > 0) {
            problems.add(replaces.value().position(), "toil.replaces must be how often the manual task was done by "
                    + "hand, a duration from 1m to 366d like 1d or 7d; found " + replaces.value().describe());
            return Optional.empty();
        }
        if (!scheduled) {
            problems.add(replaces.value().position(), "toil.replaces says what a scheduled run replaces, and this "
                    + "runbook has no triggers.schedule: remove toil.replaces, or add a schedule");
            return Optional.empty();
        }
        return Optional.of(period);
    }

    /** The {@code triggers:} mapping, its keys checked; empty when not written or not a mapping. */
    private static Optional<YamlNode.Mapping> triggers(YamlNode.Mapping mapping, ProblemList problems) {
        YamlNode.Entry triggers = mapping.entries().get("triggers");
        if (triggers == null) {
            return Optional.empty();
        }
        Optional<YamlNode.Mapping> fields = problems.mapping(triggers.value(), "triggers", "alert: and/or schedule:");
        fields.ifPresent(checked -> problems.checkKeys(checked, TRIGGER_FIELDS, " in triggers"));
        return fields;
    }

    private static Optional<ScheduleSpec> parseSchedule(YamlNode.Mapping triggers, ProblemList problems) {
        YamlNode.Entry schedule = triggers.entries().get("schedule");
        return schedule == null ? Optional.empty() : ScheduleCheck.parse(schedule.value(), problems);
    }

    private static Optional<AlertTrigger> parseAlert(YamlNode.Mapping triggers, ProblemList problems) {
        YamlNode.Entry alert = triggers.entries().get("alert");
        if (alert == null) {
            return Optional.empty();
        }
        return problems.mapping(alert.value(), "triggers.alert", "matchers: and status:")
                .flatMap(alertFields -> parseAlertTrigger(alert, alertFields, problems));
    }

    private static Optional<AlertTrigger> parseAlertTrigger(YamlNode.Entry alert, YamlNode.Mapping fields,
                                                            ProblemList problems) {
        problems.checkKeys(fields, ALERT_FIELDS, " in triggers.alert");
        TriggerStatus status = TriggerStatus.FIRING;
        Optional<String> statusText = problems.optionalText(fields, "status", "triggers.alert.status");
        if (statusText.isPresent()) {
            Optional<TriggerStatus> parsed = TriggerStatus.parse(statusText.get());
            if (parsed.isEmpty()) {
                List<String> names = List.of("firing", "resolved", "any");
                String hint = DidYouMean.hint(statusText.get(), names);
                problems.add(fields.entries().get("status").value().position(), "unknown status '" + statusText.get()
                        + "'" + hint + " (firing, resolved or any)");
            } else {
                status = parsed.get();
            }
        }
        YamlNode.Entry matchers = fields.entries().get("matchers");
        List<LabelMatcher> parsed = new ArrayList<>();
        if (matchers != null && matchers.value() instanceof YamlNode.Sequence sequence) {
            for (YamlNode item : sequence.items()) {
                parseMatcher(item, problems).ifPresent(parsed::add);
            }
        } else if (matchers != null && !(matchers.value() instanceof YamlNode.Scalar scalar && scalar.value() == null)) {
            problems.add(matchers.value().position(), "triggers.alert.matchers must be a list like "
                    + "['alertname=\"DiskSpaceLow\"'], found " + matchers.value().describe());
            return Optional.empty();
        }
        if (parsed.isEmpty()) {
            if (matchers == null || !(matchers.value() instanceof YamlNode.Sequence sequence) || sequence.items().isEmpty()) {
                problems.add(matchers == null ? alert.keyPosition() : matchers.keyPosition(), "triggers.alert needs at "
                        + "least one matcher, like matchers: ['alertname=\"DiskSpaceLow\"'] (without one it would start on "
                        + "every alert)");
            }
            return Optional.empty();
        }
        return Optional.of(new AlertTrigger(parsed, status));
    }

    private static Optional<LabelMatcher> parseMatcher(YamlNode item, ProblemList problems) {
        if (!(item instanceof YamlNode.Scalar scalar) || !scalar.isText()) {
            problems.add(item.position(), "a matcher must be text like 'alertname=\"DiskSpaceLow\"', found "
                    + item.describe());
            return Optional.empty();
        }
        try {
            return Optional.of(LabelMatcherParser.parse((String) scalar.value()));
        } catch (MatcherSyntaxException e) {
            problems.add(scalar.positionAt(e.column()), e.getMessage());
            return Optional.empty();
        }
    }

    private StepParser.Sections parseSteps(YamlNode.Mapping mapping, List<ParamSpec> params, ProblemList problems) {
        YamlNode.Entry steps = mapping.entries().get("steps");
        YamlNode.Sequence sequence = null;
        if (steps == null) {
            problems.add(mapping.position(), "missing steps: a runbook needs at least one step");
        } else if (!(steps.value() instanceof YamlNode.Sequence list) || list.items().isEmpty()) {
            problems.add(steps.value() instanceof YamlNode.Scalar ? steps.keyPosition() : steps.value().position(),
                    "steps must be a list with at least one step (- id: ..., uses: ...), found " + steps.value().describe());
        } else {
            sequence = list;
        }
        Optional<YamlNode.Sequence> verify = optionalSteps(mapping, "verify", problems);
        Optional<YamlNode.Sequence> onFailure = optionalSteps(mapping, "onFailure", problems);
        Optional<YamlNode.Sequence> finallySteps = optionalSteps(mapping, "finally", problems);
        if (sequence == null) {
            return new StepParser.Sections(List.of(), List.of(), List.of(), List.of());
        }
        Set<String> paramNames = new LinkedHashSet<>();
        params.forEach(param -> paramNames.add(param.name()));
        Set<String> siteParams = new LinkedHashSet<>();
        params.stream().filter(ParamSpec::site).forEach(param -> siteParams.add(param.name()));
        return stepParser.parse(sequence, verify, onFailure, finallySteps, paramNames, siteParams, problems);
    }

    private static Optional<YamlNode.Sequence> optionalSteps(YamlNode.Mapping mapping, String key, ProblemList problems) {
        YamlNode.Entry entry = mapping.entries().get(key);
        if (entry == null || (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() == null)) {
            return Optional.empty();
        }
        if (entry.value() instanceof YamlNode.Sequence sequence) {
            return Optional.of(sequence);
        }
        problems.add(entry.value().position(), key + " must be a list of steps (- id: ..., uses: ...), found "
                + entry.value().describe());
        return Optional.empty();
    }
}
