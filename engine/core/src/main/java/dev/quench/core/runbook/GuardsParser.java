package dev.quench.core.runbook;

import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses a runbook's {@code guards:} and {@code approval:} into {@link RunbookGuards} and
 * {@link ApprovalPolicy}, reporting every problem with its position. Thread-safe (stateless).
 */
final class GuardsParser {

    static final Set<String> GUARD_FIELDS = new LinkedHashSet<>(List.of("cooldown", "maxRunsPerHour", "dedupeKey", "breaker", "errorBudget", "lockKey"));
    static final Set<String> APPROVAL_FIELDS = new LinkedHashSet<>(List.of("required", "timeout"));
    static final int MAX_RUNS_PER_HOUR = 3600;
    static final Duration MAX_COOLDOWN = Duration.ofDays(7);
    static final Duration MIN_APPROVAL_TIMEOUT = Duration.ofMinutes(1);
    static final Duration MAX_APPROVAL_TIMEOUT = Duration.ofDays(30);

    private GuardsParser() {
    }

    /** The {@code guards:} of {@code mapping}: {@link RunbookGuards#NONE} when not written or wrong (then with problems). */
    static RunbookGuards guards(YamlNode.Mapping mapping, List<ParamSpec> params, ProblemList problems) {
        YamlNode.Entry guards = mapping.entries().get("guards");
        return guards == null ? RunbookGuards.NONE : parseGuards(guards, params, problems).orElse(RunbookGuards.NONE);
    }

    /** The {@code approval:} of {@code mapping}: {@link ApprovalPolicy#NONE} when not written or wrong (then with problems). */
    static ApprovalPolicy approval(YamlNode.Mapping mapping, ProblemList problems) {
        YamlNode.Entry approval = mapping.entries().get("approval");
        return approval == null ? ApprovalPolicy.NONE : parseApproval(approval, problems).orElse(ApprovalPolicy.NONE);
    }

    private static Optional<RunbookGuards> parseGuards(YamlNode.Entry guards, List<ParamSpec> params,
                                                       ProblemList problems) {
        if (guards.value() instanceof YamlNode.Scalar scalar && scalar.value() == null) {
            return Optional.of(RunbookGuards.NONE);
        }
        Optional<YamlNode.Mapping> fields = problems.mapping(guards.value(), "guards",
                "cooldown: 30m, maxRunsPerHour: 3, dedupeKey: ...");
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        problems.checkKeys(fields.get(), GUARD_FIELDS, " in guards");
        Map<String, YamlNode.Entry> entries = fields.get().entries();
        Optional<Duration> cooldown = Optional.ofNullable(entries.get("cooldown")).flatMap(entry -> duration(entry,
                "guards.cooldown", Duration.ofSeconds(1), MAX_COOLDOWN, "30m, 1h or 90s", problems));
        OptionalInt maxRunsPerHour = OptionalInt.empty();
        YamlNode.Entry max = entries.get("maxRunsPerHour");
        if (max != null) {
            if (max.value() instanceof YamlNode.Scalar scalar
                    && (scalar.value() instanceof Integer || scalar.value() instanceof Long
                    || scalar.value() instanceof BigInteger)
                    && ((Number) scalar.value()).longValue() >= 1
                    && ((Number) scalar.value()).longValue() <= MAX_RUNS_PER_HOUR) {
                maxRunsPerHour = OptionalInt.of(((Number) scalar.value()).intValue());
            } else {
                problems.add(max.value().position(), "guards.maxRunsPerHour must be a whole number from 1 to "
                        + MAX_RUNS_PER_HOUR + ", found " + max.value().describe()
                        + " (to stop a runbook altogether, remove its trigger or use 'quench pause')");
            }
        }
        Optional<Template> dedupeKey = Optional.ofNullable(entries.get("dedupeKey"))
                .flatMap(entry -> dedupeKey(entry, params, problems));
        Optional<BreakerSpec> breaker = Optional.ofNullable(entries.get("breaker"))
                .flatMap(entry -> BreakerParser.parse(entry, problems));
        Optional<ErrorBudgetSpec> errorBudget = Optional.ofNullable(entries.get("errorBudget"))
                .flatMap(entry -> ErrorBudgetParser.parse(entry, params, problems));
        LockKeySpec lockKey = Optional.ofNullable(entries.get("lockKey")).flatMap(entry -> lockKey(entry, params, problems))
                .orElse(LockKeySpec.DEFAULT);
        return Optional.of(new RunbookGuards(cooldown, maxRunsPerHour, dedupeKey, breaker, errorBudget, lockKey));
    }

    private static Optional<Template> dedupeKey(YamlNode.Entry entry, List<ParamSpec> params, ProblemList problems) {
        if (!(entry.value() instanceof YamlNode.Scalar scalar) || !scalar.isText() || ((String) scalar.value()).isBlank()) {
            problems.add(entry.value().position(), "guards.dedupeKey must be text, like '${{ alert.labels.instance }}', "
                    + "found " + entry.value().describe());
            return Optional.empty();
        }
        Set<String> paramNames = new LinkedHashSet<>(params.stream().map(ParamSpec::name).toList());
        try {
            // No steps have run when guards are checked: steps.* is unknown here on purpose.
            return Optional.of(Template.compile((String) scalar.value(), Declarations.of(paramNames, List.of(), Set.of())));
        } catch (TemplateSyntaxException e) {
            String why = e.kind() == TemplateSyntaxException.Kind.UNKNOWN_STEP
                    ? e.getMessage() + ": guards.dedupeKey is computed before any step runs; use alert or params"
                    : e.getMessage();
            problems.add(scalar.positionAt(e.offset()), why);
            return Optional.empty();
        }
    }

    private static Optional<LockKeySpec> lockKey(YamlNode.Entry entry, List<ParamSpec> params, ProblemList problems) {
        if (!(entry.value() instanceof YamlNode.Scalar scalar) || !scalar.isText() || ((String) scalar.value()).isBlank()) {
            problems.add(entry.value().position(), "guards.lockKey must be text, like '${{ host(alert.labels.instance) }}' "
                    + "or none, found " + entry.value().describe());
            return Optional.empty();
        }
        String text = ((String) scalar.value()).strip();
        if (text.equals("none")) {
            return Optional.of(new LockKeySpec.None());
        }
        if (!text.contains("${{")) {
            problems.add(scalar.position(), "guards.lockKey '" + text + "' is the same for every run: write an "
                    + "expression like '${{ host(alert.labels.instance) }}', or none (runs never wait for each other)");
            return Optional.empty();
        }
        Set<String> paramNames = new LinkedHashSet<>(params.stream().map(ParamSpec::name).toList());
        try {
            return Optional.of(new LockKeySpec.Expression(Template.compile((String) scalar.value(),
                    Declarations.of(paramNames, List.of(), Set.of()))));
        } catch (TemplateSyntaxException e) {
            problems.add(scalar.positionAt(e.offset()), e.kind() == TemplateSyntaxException.Kind.UNKNOWN_STEP
                    ? e.getMessage() + ": guards.lockKey is computed before any step runs; use alert or params"
                    : e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<ApprovalPolicy> parseApproval(YamlNode.Entry approval, ProblemList problems) {
        YamlNode value = approval.value();
        if (value instanceof YamlNode.Scalar scalar && scalar.isText()) {
            String text = ((String) scalar.value()).strip();
            return switch (text) {
                case "none" -> Optional.of(ApprovalPolicy.NONE);
                case "required" -> Optional.of(new ApprovalPolicy(true, Optional.empty()));
                default -> {
                    problems.add(value.position(), "unknown approval '" + text + "'"
                            + DidYouMean.hint(text, List.of("none", "required"))
                            + " (none, required, or {required: true, timeout: 1h})");
                    yield Optional.empty();
                }
            };
        }
        if (!(value instanceof YamlNode.Mapping mapping)) {
            problems.add(value.position(), "approval must be none, required or {required: true, timeout: 1h}, found "
                    + value.describe());
            return Optional.empty();
        }
        problems.checkKeys(mapping, APPROVAL_FIELDS, " in approval");
        boolean required = true;
        YamlNode.Entry requiredEntry = mapping.entries().get("required");
        if (requiredEntry != null) {
            if (requiredEntry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Boolean bool) {
                required = bool;
            } else {
                problems.add(requiredEntry.value().position(), "approval.required must be true or false, found "
                        + requiredEntry.value().describe());
            }
        }
        Optional<Duration> timeout = Optional.ofNullable(mapping.entries().get("timeout")).flatMap(entry -> duration(
                entry, "approval.timeout", MIN_APPROVAL_TIMEOUT, MAX_APPROVAL_TIMEOUT, "30m, 4h or 1d", problems));
        return Optional.of(new ApprovalPolicy(required, timeout));
    }

    private static Optional<Duration> duration(YamlNode.Entry entry, String label, Duration min, Duration max,
                                               String examples, ProblemList problems) {
        YamlNode value = entry.value();
        String text = value instanceof YamlNode.Scalar scalar && scalar.value() != null ? scalar.value().toString() : "";
        Duration duration;
        try {
            duration = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(value.position(), "invalid " + label + " '" + text + "': write it like " + examples);
            return Optional.empty();
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            problems.add(value.position(), label + " must be from " + Durations.format(min) + " to "
                    + Durations.format(max) + ", found " + text);
            return Optional.empty();
        }
        return Optional.of(duration);
    }
}
