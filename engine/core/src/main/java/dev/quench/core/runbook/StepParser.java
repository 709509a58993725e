package dev.quench.core.runbook;

import dev.quench.api.Required;
import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.expr.ValueTemplate;
import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Durations;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks and compiles the {@code steps:} of one runbook. Every step needs an {@code id}: run
 * history and later steps ({@code steps.<id>}) refer to it, so it should not change when a step is
 * inserted above, as a position-based default would.
 */
final class StepParser {

    /** The fields that step types once had for retrying on their own; the engine's retry: replaced them. */
    private static final Set<String> RETRY_FIELDS = Set.of("retries", "retryBackoff");
    private static final String RETRY_HINT = " — retrying is the engine's: give the step retry: {attempts: 4, delay:"
            + " 1s, backoff: 2} next to with: (attempts counts the first try; the step tells the engine which"
            + " failures are worth another one)";

    static final Set<String> STEP_FIELDS = new LinkedHashSet<>(List.of("id", "uses", "with", "when", "timeout",
            "retry", "continueOnError", "outputs", "forEach", "concurrency", "every"));
    /** Step ids are read as steps.<id> in expressions, so they must be identifiers (no '-'). */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final StepCatalog catalog;

    StepParser(StepCatalog catalog) {
        this.catalog = catalog;
    }

    /** The steps of each section of a runbook, in order. */
    record Sections(List<StepSpec> steps, List<StepSpec> verify, List<StepSpec> onFailure, List<StepSpec> finallySteps) {
    }

    /** The section a step is written in; steps of the later sections may omit their id. */
    private enum Section {
        STEPS("steps"), VERIFY("verify"), ON_FAILURE("onFailure"), FINALLY("finally");

        private final String key;

        Section(String key) {
            this.key = key;
        }
    }

    private record Written(Section section, int number, YamlNode.Mapping mapping) {
    }

    /**
     * Parses the three step lists. Ids are unique across all of them, and each step may refer to
     * every step written before it, in any section.
     */
    Sections parse(YamlNode.Sequence steps, Optional<YamlNode.Sequence> verify, Optional<YamlNode.Sequence> onFailure,
                   Optional<YamlNode.Sequence> finallySteps, Set<String> params, Set<String> siteParams,
                   ProblemList problems) {
        List<Written> written = new ArrayList<>();
        collect(Section.STEPS, steps, written, problems);
        verify.ifPresent(sequence -> collect(Section.VERIFY, sequence, written, problems));
        onFailure.ifPresent(sequence -> collect(Section.ON_FAILURE, sequence, written, problems));
        finallySteps.ifPresent(sequence -> collect(Section.FINALLY, sequence, written, problems));
        Map<String, SourcePosition> ids = new LinkedHashMap<>();
        List<String> idOf = new ArrayList<>();
        for (Written step : written) {
            idOf.add(readId(step, ids, problems).orElse(null));
        }
        Map<Section, List<StepSpec>> parsed = new LinkedHashMap<>();
        for (Section section : Section.values()) {
            parsed.put(section, new ArrayList<>());
        }
        List<String> earlier = new ArrayList<>();
        for (int index = 0; index < written.size(); index++) {
            Written step = written.get(index);
            String id = idOf.get(index);
            Declarations declarations = Declarations.of(params, earlier, ids.keySet()).withSiteParams(siteParams);
            List<String> withOwn = new ArrayList<>(earlier);
            if (id != null) {
                withOwn.add(id);
            }
            Declarations ownResult = Declarations.of(params, withOwn, ids.keySet()).withSiteParams(siteParams);
            parseStep(step.section(), step.mapping(), id, id != null ? id : displayId(step.mapping()), declarations,
                    ownResult, problems)
                    .ifPresent(parsed.get(step.section())::add);
            if (id != null) {
                earlier.add(id);
            }
        }
        return new Sections(parsed.get(Section.STEPS), parsed.get(Section.VERIFY), parsed.get(Section.ON_FAILURE),
                parsed.get(Section.FINALLY));
    }

    private static void collect(Section section, YamlNode.Sequence sequence, List<Written> written, ProblemList problems) {
        int number = 0;
        for (YamlNode item : sequence.items()) {
            number++;
            int position = number;
            problems.mapping(item, "a step", "id:, uses:, with:")
                    .ifPresent(mapping -> written.add(new Written(section, position, mapping)));
        }
    }

    private Optional<String> readId(Written step, Map<String, SourcePosition> ids, ProblemList problems) {
        YamlNode.Mapping mapping = step.mapping();
        int number = step.number();
        Optional<String> id = problems.optionalText(mapping, "id", "a step id");
        if (id.isEmpty() && !mapping.entries().containsKey("id") && step.section() != Section.STEPS) {
            // verify, onFailure and finally steps are rarely read by later steps: onFailure_1 serves as a name.
            String generated = step.section().key + "_" + number;
            if (ids.putIfAbsent(generated, mapping.position()) == null) {
                return Optional.of(generated);
            }
        }
        if (id.isEmpty()) {
            if (!mapping.entries().containsKey("id")) {
                problems.add(mapping.position(), "step " + number + " has no id: give every step one, like id: clean "
                        + "(run history and later steps, as steps.<id>, refer to it)");
            }
            return Optional.empty();
        }
        SourcePosition position = mapping.entries().get("id").value().position();
        if (!IDENTIFIER.matcher(id.get()).matches()) {
            problems.add(position, "invalid step id '" + id.get() + "': use letters, digits and _, starting with a "
                    + "letter, so that expressions can read it as steps." + id.get().replaceAll("[^A-Za-z0-9_]", "_"));
            return Optional.empty();
        }
        SourcePosition first = ids.putIfAbsent(id.get(), position);
        if (first != null) {
            problems.add(position, "duplicate step id '" + id.get() + "' (first at line " + first.line()
                    + "): step ids must be unique in a runbook");
            return Optional.empty();
        }
        return id;
    }

    /** The id as written, even when invalid, so messages can still name the step. */
    private static String displayId(YamlNode.Mapping mapping) {
        YamlNode.Entry id = mapping.entries().get("id");
        return id != null && id.value() instanceof YamlNode.Scalar scalar && scalar.value() != null
                ? scalar.value().toString() : null;
    }

    private Optional<StepSpec> parseStep(Section section, YamlNode.Mapping mapping, String id, String displayId,
                                         Declarations declarations, Declarations ownResult, ProblemList problems) {
        String label = displayId == null ? "" : " in step '" + displayId + "'";
        problems.checkKeys(mapping, STEP_FIELDS, label);
        Optional<String> uses = problems.optionalText(mapping, "uses", "uses");
        Optional<Class<? extends Record>> configType = Optional.empty();
        if (uses.isEmpty() && !mapping.entries().containsKey("uses")) {
            problems.add(mapping.position(), "step" + (displayId == null ? "" : " '" + displayId + "'") + " has no uses: say which "
                    + "step type runs it, like uses: ssh.exec");
        } else if (uses.isPresent()) {
            if (!catalog.types().contains(uses.get())) {
                String hint = DidYouMean.hint(uses.get(), catalog.types());
                problems.add(mapping.entries().get("uses").value().position(), "unknown step type '" + uses.get() + "'"
                        + (hint.isEmpty() ? " (known types: " + String.join(", ", new TreeSet<>(catalog.types())) + ")" : hint));
            } else {
                configType = catalog.configType(uses.get());
            }
        }
        String where = displayId == null ? "" : " of step '" + displayId + "'";
        Optional<ForEach> forEach = ForEachParser.parse(mapping.entries().get("forEach"),
                mapping.entries().get("concurrency"), where, declarations, problems);
        // In a forEach step, with:, outputs: and retryOn read item and itemIndex; forEach and when do not.
        Declarations perItem = mapping.entries().containsKey("forEach") ? declarations.withForEachItem() : declarations;
        Declarations ownPerItem = mapping.entries().containsKey("forEach") ? ownResult.withForEachItem() : ownResult;
        ValueTemplate.MapValue with = parseWith(mapping.entries().get("with"), displayId, uses.orElse("?"), configType,
                perItem, problems);
        configType.ifPresent(type -> checkRequired(mapping, type, displayId, uses.get(), problems));
        Duration timeout = parseTimeout(mapping.entries().get("timeout"), problems);
        Optional<Condition> when = StepOptionsParser.condition(mapping.entries().get("when"), "when" + where,
                declarations, problems);
        RetryPolicy retry = StepOptionsParser.retry(mapping.entries().get("retry"), ownPerItem, problems);
        boolean continueOnError = StepOptionsParser.flag(mapping.entries().get("continueOnError"),
                "continueOnError" + where, problems);
        Map<String, Template> outputs = StepOptionsParser.outputs(mapping.entries().get("outputs"), ownPerItem, problems);
        Optional<Duration> every = section == Section.VERIFY
                ? VerifyOptions.check(mapping, displayId, timeout, problems)
                : VerifyOptions.refuseEvery(mapping, section.key, problems);
        if (id == null || uses.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new StepSpec(id, uses.get(), with, timeout, mapping.position(), when, retry,
                continueOnError, outputs, forEach, every));
    }

    private ValueTemplate.MapValue parseWith(YamlNode.Entry entry, String id, String uses,
                                             Optional<Class<? extends Record>> configType, Declarations declarations,
                                             ProblemList problems) {
        if (entry == null || (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() == null)) {
            return ValueTemplate.MapValue.empty();
        }
        Optional<YamlNode.Mapping> mapping = problems.mapping(entry.value(), "with", "the step type's fields, like "
                + "command: ...");
        if (mapping.isEmpty()) {
            return ValueTemplate.MapValue.empty();
        }
        if (configType.isPresent()) {
            Set<String> fields = new LinkedHashSet<>(Stream.of(configType.get().getRecordComponents())
                    .map(RecordComponent::getName).toList());
            for (YamlNode.Entry field : mapping.get().entries().values()) {
                if (!fields.contains(field.key())) {
                    String hint = RETRY_FIELDS.contains(field.key()) ? RETRY_HINT : DidYouMean.hint(field.key(), fields);
                    problems.add(field.keyPosition(), (id == null ? "" : "step '" + id + "': ") + uses + " has no field '"
                            + field.key() + "'" + (hint.isEmpty() ? " (its fields: " + String.join(", ", fields) + ")" : hint));
                }
            }
        }
        Map<String, ValueTemplate> entries = new LinkedHashMap<>();
        for (YamlNode.Entry field : mapping.get().entries().values()) {
            RenderMode mode = configType.map(type -> StepConfigRenderer.modeOf(type, field.key())).orElse(RenderMode.PLAIN);
            entries.put(field.key(), compile(field.value(), declarations, mode, problems));
        }
        return new ValueTemplate.MapValue(entries);
    }

    /**
     * Reports each {@link Required} field of the step type that the step leaves out (absent, empty,
     * or blank text) when none of its alternatives is given either. A templated value counts as
     * given: what it renders to is checked when the step runs.
     */
    private static void checkRequired(YamlNode.Mapping step, Class<? extends Record> configType, String displayId,
                                      String uses, ProblemList problems) {
        YamlNode.Entry withEntry = step.entries().get("with");
        Map<String, YamlNode.Entry> given = Map.of();
        if (withEntry != null && withEntry.value() instanceof YamlNode.Mapping with) {
            given = with.entries();
        } else if (withEntry != null && !isEmpty(withEntry.value())) {
            return; // with: is not a mapping, which is reported already
        }
        SourcePosition where = withEntry != null ? withEntry.keyPosition() : step.position();
        String stepName = displayId == null ? "a step" : "step '" + displayId + "'";
        for (RecordComponent component : configType.getRecordComponents()) {
            Required required = component.getAnnotation(Required.class);
            if (required == null) {
                continue;
            }
            YamlNode.Entry own = given.get(component.getName());
            boolean ownGiven = own != null && !isEmpty(own.value()) && !isBlankText(own.value());
            Map<String, YamlNode.Entry> fields = given;
            if (ownGiven || Stream.of(required.or()).anyMatch(name -> fields.containsKey(name)
                    && !isEmpty(fields.get(name).value()))) {
                continue;
            }
            if (misspelt(component.getName(), fields.keySet(), configType)) {
                continue; // the unknown field's did-you-mean already points at this one: one problem, not two
            }
            String like = required.example().isEmpty() ? "" : ", like " + required.example();
            if (required.or().length == 0) {
                problems.add(where, stepName + ": " + uses + " needs " + component.getName() + ", which is not given: "
                        + "add it under with:" + like);
            } else {
                List<String> names = new ArrayList<>(List.of(component.getName()));
                names.addAll(List.of(required.or()));
                problems.add(where, stepName + ": " + uses + " needs " + String.join(", ", names.subList(0, names.size() - 1))
                        + " or " + names.getLast() + ", and none is given: add one under with:" + like);
            }
        }
    }

    /** Whether one of {@code given}, not a field of {@code configType}, is a near miss of {@code field}. */
    private static boolean misspelt(String field, Set<String> given, Class<? extends Record> configType) {
        List<String> known = Stream.of(configType.getRecordComponents()).map(RecordComponent::getName).toList();
        return given.stream().filter(name -> !known.contains(name))
                .anyMatch(name -> DidYouMean.closest(name, known).filter(field::equals).isPresent());
    }

    private static boolean isEmpty(YamlNode node) {
        return node instanceof YamlNode.Scalar scalar && scalar.value() == null;
    }

    private static boolean isBlankText(YamlNode node) {
        return node instanceof YamlNode.Scalar scalar && scalar.value() instanceof String text && text.isBlank();
    }

    /** Compiles a with-value; on a problem, reports it and returns a placeholder so checking goes on. */
    static ValueTemplate compile(YamlNode node, Declarations declarations, RenderMode mode, ProblemList problems) {
        return switch (node) {
            case YamlNode.Mapping mapping -> {
                Map<String, ValueTemplate> entries = new LinkedHashMap<>();
                mapping.entries().forEach((key, entry) ->
                        entries.put(key, compile(entry.value(), declarations, mode, problems)));
                yield new ValueTemplate.MapValue(entries);
            }
            case YamlNode.Sequence sequence -> new ValueTemplate.ListValue(sequence.items().stream()
                    .map(item -> compile(item, declarations, mode, problems)).toList());
            case YamlNode.Scalar scalar when scalar.value() instanceof String text -> {
                try {
                    Template template = Template.compile(text, declarations);
                    Optional<TemplateSyntaxException> problem = switch (mode) {
                        case SHELL -> template.shellQuotingProblem();
                        case URL -> template.urlProblem();
                        case PLAIN, PROMQL -> Optional.empty(); // PromQL values are checked as they are inserted
                    };
                    problem.ifPresent(found -> problems.add(scalar.positionAt(found.offset()), found.getMessage()));
                    if (mode == RenderMode.URL) {
                        template.urlParamWarnings(declarations).forEach(warning ->
                                problems.warn(scalar.positionAt(warning.offset()), warning.getMessage()));
                    }
                    if (mode == RenderMode.SHELL) {
                        template.optionInjectionWarnings().forEach(warning ->
                                problems.warn(scalar.positionAt(warning.offset()), warning.getMessage()));
                    }
                    yield new ValueTemplate.TextValue(template);
                } catch (TemplateSyntaxException e) {
                    problems.add(scalar.positionAt(e.offset()), e.getMessage());
                    yield new ValueTemplate.LiteralValue(null);
                }
            }
            case YamlNode.Scalar scalar -> new ValueTemplate.LiteralValue(scalar.value());
        };
    }

    private static Duration parseTimeout(YamlNode.Entry entry, ProblemList problems) {
        if (entry == null) {
            return StepSpec.DEFAULT_TIMEOUT;
        }
        YamlNode value = entry.value();
        String text = value instanceof YamlNode.Scalar scalar && scalar.value() != null ? scalar.value().toString() : "";
        try {
            Duration timeout = Durations.parse(text);
            if (timeout.isZero() || timeout.isNegative()) {
                problems.add(value.position(), "timeout must be longer than 0, like 30s or 5m");
            }
            return timeout;
        } catch (IllegalArgumentException e) {
            problems.add(value.position(), "invalid timeout '" + text + "': write it like 30s, 5m, 1h30m or 500ms");
            return StepSpec.DEFAULT_TIMEOUT;
        }
    }
}
