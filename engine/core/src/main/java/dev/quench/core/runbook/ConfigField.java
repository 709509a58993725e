package dev.quench.core.runbook;

import dev.quench.api.Required;
import dev.quench.api.StepField;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One field of a step's {@code with:} block, as its configuration record component declares and documents
 * it ({@link StepField}, {@link Required}): the one source of the editor schema and the step-type reference.
 * Immutable.
 *
 * @param name         the field's name in YAML (the component's name)
 * @param type         the component's generic type
 * @param doc          its description and default, when documented
 * @param required     its {@link Required}, when marked
 * @param alternatives when it is one of several alternatives (a {@code Required(or=...)} names it, or it
 *                     names others): all of them, in record order; else empty
 */
record ConfigField(String name, Type type, Optional<StepField> doc, Optional<Required> required,
                   List<String> alternatives) {

    ConfigField {
        alternatives = List.copyOf(alternatives);
    }

    /** The fields of a configuration record, in declaration order. */
    static List<ConfigField> of(Class<?> recordType) {
        RecordComponent[] components = recordType.getRecordComponents();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (RecordComponent component : components) {
            Required marked = component.getAnnotation(Required.class);
            if (marked != null && marked.or().length > 0) {
                List<String> group = new ArrayList<>();
                group.add(component.getName());
                group.addAll(List.of(marked.or()));
                for (String member : group) {
                    groups.put(member, group);
                }
            }
        }
        List<ConfigField> fields = new ArrayList<>();
        for (RecordComponent component : components) {
            fields.add(new ConfigField(component.getName(), component.getGenericType(),
                    Optional.ofNullable(component.getAnnotation(StepField.class)),
                    Optional.ofNullable(component.getAnnotation(Required.class)),
                    groups.getOrDefault(component.getName(), List.of())));
        }
        return fields;
    }

    /** The raw class of {@link #type()}. */
    Class<?> rawType() {
        return raw(type);
    }

    /** The record this field holds, when it is a nested block like {@code tls:}. */
    Optional<Class<?>> nestedRecord() {
        return rawType().isRecord() ? Optional.of(rawType()) : Optional.empty();
    }

    /** Its type in words: {@code text}, {@code integer}, {@code list of text}, {@code map of text} ... */
    String typeName() {
        return typeName(type);
    }

    /** {@code yes}, {@code one of `a`, `b`} or {@code no}. */
    String requiredText() {
        if (!alternatives.isEmpty()) {
            return "one of " + alternatives.stream().map(name -> "`" + name + "`").collect(Collectors.joining(", "));
        }
        return required.isPresent() ? "yes" : "no";
    }

    /** The description, or empty when the component has no {@link StepField}. */
    String description() {
        return doc.map(StepField::description).orElse("");
    }

    /** The default as one YAML value, when there is one. */
    Optional<String> defaultValue() {
        return doc.map(StepField::defaultValue).filter(value -> !value.isEmpty());
    }

    /** The default for the reference: the value in a code span, or what absence means. */
    String defaultText() {
        return defaultValue().map(value -> "`" + value + "`")
                .or(() -> doc.map(StepField::whenAbsent).filter(text -> !text.isEmpty()))
                .orElse("");
    }

    private static String typeName(Type type) {
        Class<?> raw = raw(type);
        Type[] arguments = type instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()
                : new Type[0];
        if (raw == String.class) {
            return "text";
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "integer";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "boolean";
        }
        if (Number.class.isAssignableFrom(raw) || raw == double.class) {
            return "number";
        }
        if (raw == Duration.class) {
            return "duration";
        }
        if (raw.isRecord()) {
            return "object";
        }
        if (Collection.class.isAssignableFrom(raw)) {
            return arguments.length == 1 ? "list of " + typeName(arguments[0]) : "list";
        }
        if (Map.class.isAssignableFrom(raw)) {
            return arguments.length == 2 ? "map of " + typeName(arguments[1]) : "map";
        }
        return "any JSON value";
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType()
                : type instanceof Class<?> plain ? plain : Object.class;
    }

    /** Names of the components of {@code recordType} (and its nested records) that have no {@link StepField}. */
    static List<String> undocumented(Class<?> recordType) {
        return of(recordType).stream().flatMap(field -> Stream.concat(
                        field.doc().isPresent() ? Stream.<String>empty() : Stream.of(field.name()),
                        field.nestedRecord().stream().flatMap(nested -> undocumented(nested).stream())
                                .map(inner -> field.name() + "." + inner)))
                .toList();
    }
}
