package dev.quench.core.runbook;

import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.DidYouMean;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.expr.ValueTemplate;
import dev.quench.core.plugin.StepCatalog;
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

    static final Set<String> STEP_FIELDS = new LinkedHashSet<>(List.of("id", "uses", "with", "timeout", "retry"));
    private static final Set<String> DEFERRED_FIELDS = Set.of("retry");
    /** Step ids are read as steps.<id> in expressions, so they must be identifiers (no '-'). */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final StepCatalog catalog;

    StepParser(StepCatalog catalog) {
        this.catalog = catalog;
    }

    List<StepSpec> parse(YamlNode.Sequence sequence, Set<String> params, ProblemList problems) {
        List<YamlNode.Mapping> mappings = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            problems.mapping(item, "a step", "id:, uses:, with:").ifPresent(mappings::add);
        }
        Map<String, SourcePosition> ids = new LinkedHashMap<>();
        List<String> idOf = new ArrayList<>();
        for (int index = 0; index < mappings.size(); index++) {
            idOf.add(readId(mappings.get(index), index + 1, ids, problems).orElse(null));
        }
        List<StepSpec> steps = new ArrayList<>();
        List<String> earlier = new ArrayList<>();
        for (int index = 0; index < mappings.size(); index++) {
            YamlNode.Mapping mapping = mappings.get(index);
            String id = idOf.get(index);
            Declarations declarations = Declarations.of(params, earlier, ids.keySet());
            parseStep(mapping, id, displayId(mapping), declarations, problems).ifPresent(steps::add);
            if (id != null) {
                earlier.add(id);
            }
        }
        return steps;
    }

    private Optional<String> readId(YamlNode.Mapping mapping, int number, Map<String, SourcePosition> ids,
                                    ProblemList problems) {
        Optional<String> id = problems.optionalText(mapping, "id", "a step id");
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

    private Optional<StepSpec> parseStep(YamlNode.Mapping mapping, String id, String displayId,
                                         Declarations declarations, ProblemList problems) {
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
        ValueTemplate.MapValue with = parseWith(mapping.entries().get("with"), displayId, uses.orElse("?"), configType,
                declarations, problems);
        Duration timeout = parseTimeout(mapping.entries().get("timeout"), problems);
        Map<String, Object> deferred = new LinkedHashMap<>();
        for (String field : DEFERRED_FIELDS) {
            YamlNode.Entry entry = mapping.entries().get(field);
            if (entry != null) {
                deferred.put(field, entry.value().toPlain());
            }
        }
        if (id == null || uses.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new StepSpec(id, uses.get(), with, timeout, mapping.position(), deferred));
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
        Set<String> shellFields = configType.map(StepConfigRenderer::shellCommandFields).orElse(Set.of());
        if (configType.isPresent()) {
            Set<String> fields = new LinkedHashSet<>(Stream.of(configType.get().getRecordComponents())
                    .map(RecordComponent::getName).toList());
            for (YamlNode.Entry field : mapping.get().entries().values()) {
                if (!fields.contains(field.key())) {
                    String hint = DidYouMean.hint(field.key(), fields);
                    problems.add(field.keyPosition(), (id == null ? "" : "step '" + id + "': ") + uses + " has no field '"
                            + field.key() + "'" + (hint.isEmpty() ? " (its fields: " + String.join(", ", fields) + ")" : hint));
                }
            }
        }
        Map<String, ValueTemplate> entries = new LinkedHashMap<>();
        for (YamlNode.Entry field : mapping.get().entries().values()) {
            entries.put(field.key(), compile(field.value(), declarations, shellFields.contains(field.key()), problems));
        }
        return new ValueTemplate.MapValue(entries);
    }

    /** Compiles a with-value; on a problem, reports it and returns a placeholder so checking goes on. */
    private static ValueTemplate compile(YamlNode node, Declarations declarations, boolean shell, ProblemList problems) {
        return switch (node) {
            case YamlNode.Mapping mapping -> {
                Map<String, ValueTemplate> entries = new LinkedHashMap<>();
                mapping.entries().forEach((key, entry) ->
                        entries.put(key, compile(entry.value(), declarations, shell, problems)));
                yield new ValueTemplate.MapValue(entries);
            }
            case YamlNode.Sequence sequence -> new ValueTemplate.ListValue(sequence.items().stream()
                    .map(item -> compile(item, declarations, shell, problems)).toList());
            case YamlNode.Scalar scalar when scalar.value() instanceof String text -> {
                try {
                    Template template = Template.compile(text, declarations);
                    if (shell) {
                        template.shellQuotingProblem().ifPresent(problem ->
                                problems.add(scalar.positionAt(problem.offset()), problem.getMessage()));
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
