package dev.quench.core.config;

import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One section of {@code quench.yaml}, bound strictly onto a record: an unknown or misspelt key, a
 * string or a fraction where a whole number belongs, or a value out of range stops the start with
 * {@code FILE:LINE:COL: section.key: what is wrong}. Every engine-owned section goes through here,
 * so there is one set of rules. Immutable and thread-safe.
 */
public final class ConfigSection {

    /** The engine's mapper with no coercion: "lots", "8" or 2.9 are not ints, "yes" is not a boolean. */
    private static final ObjectMapper STRICT = strict();

    private final String name;
    private final JsonNode node;
    private final ConfigPositions positions;

    private final String pointer;

    ConfigSection(String name, JsonNode node, ConfigPositions positions) {
        this(name, node, positions, name.isEmpty() ? "" : "/" + name);
    }

    private ConfigSection(String name, JsonNode node, ConfigPositions positions, String pointer) {
        this.name = Objects.requireNonNull(name, "name");
        this.node = node;
        this.positions = Objects.requireNonNull(positions, "positions");
        this.pointer = pointer;
    }

    /** The entry {@code key} of this section ({@code sources.alertmanager}), bound the same way. */
    public ConfigSection child(String key) {
        return new ConfigSection(name + "." + key, isPresent() ? node.get(key) : null, positions,
                pointer + "/" + key.replace("~", "~0").replace("/", "~1"));
    }

    /** The keys of this section in file order; none when it is absent. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (isPresent()) {
            node.fieldNames().forEachRemaining(keys::add);
        }
        return keys;
    }

    /** A section built in code (tests, the demo): errors name the key but no file position. */
    public static ConfigSection of(String name, JsonNode node) {
        return new ConfigSection(name, node, ConfigPositions.NONE);
    }

    public String name() {
        return name;
    }

    /** Whether the file has this section at all. */
    public boolean isPresent() {
        return node != null && !node.isMissingNode() && !node.isNull();
    }

    /**
     * The section bound onto {@code type}, or empty when the section is absent.
     *
     * @throws ConfigException naming the file position, the key and what is wrong with it
     */
    public <T> Optional<T> bind(Class<T> type) {
        if (!isPresent()) {
            return Optional.empty();
        }
        if (!node.isObject() && !name.isEmpty()) {
            throw new ConfigException(positions.atValue(pointer()) + name + ": expected a mapping (" + name
                    + ": {key: value, ...}), got " + describe(node));
        }
        try {
            return Optional.of(STRICT.treeToValue(node, type));
        } catch (JsonMappingException e) {
            throw explain(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(positions.atValue(pointer()) + name + ": " + e.getOriginalMessage(), e);
        }
    }

    /** An error about {@code key} of this section, at its position in the file. */
    public ConfigException invalid(String key, String message) {
        return new ConfigException(positions.atValue(pointer() + "/" + key) + dotted(List.of(key)) + ": " + message);
    }

    /** {@code value}, or {@code fallback} when absent; below {@code least} is an error naming {@code key}. */
    public long atLeast(String key, Number value, long least, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.longValue() < least) {
            throw invalid(key, "must be at least " + least + ", got " + value);
        }
        return value.longValue();
    }

    /** {@code atLeast} for an int. */
    public int atLeast(String key, Integer value, int least, int fallback) {
        return (int) atLeast(key, (Number) value, least, fallback);
    }

    private ConfigException explain(JsonMappingException error) {
        List<String> path = new ArrayList<>();
        for (JsonMappingException.Reference reference : error.getPath()) {
            path.add(reference.getFieldName() != null ? reference.getFieldName() : String.valueOf(reference.getIndex()));
        }
        String pointer = pointer() + path.stream().map(part -> "/" + part.replace("~", "~0").replace("/", "~1"))
                .collect(Collectors.joining());
        if (error instanceof UnrecognizedPropertyException unknown) {
            Collection<String> known = unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            String section = path.size() > 1 ? dotted(path.subList(0, path.size() - 1)) : name;
            return new ConfigException(positions.atKey(pointer) + dotted(path) + ": unknown key"
                    + DidYouMean.hint(unknown.getPropertyName(), known)
                    + " (" + (section.isEmpty() ? "quench.yaml" : section) + " takes " + String.join(", ", known) + ")",
                    error);
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof IllegalArgumentException invalid && !(root instanceof JsonMappingException)) {
            // A creator's own check, such as "must be at least 1"; the creator names no key, the path does.
            return new ConfigException(positions.atValue(pointer) + dotted(path) + ": " + invalid.getMessage(), error);
        }
        if (root instanceof InputCoercionException tooLarge) {
            return new ConfigException(positions.atValue(pointer) + dotted(path) + ": expected "
                    + expected(tooLarge.getTargetType()) + " no larger than "
                    + (tooLarge.getTargetType() == Long.TYPE || tooLarge.getTargetType() == Long.class
                    ? Long.MAX_VALUE : Integer.MAX_VALUE) + ", got " + describe(valueAt(pointer)), error);
        }
        if (error instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            JsonNode value = valueAt(pointer);
            String got = error instanceof InvalidFormatException format && value.isMissingNode()
                    ? String.valueOf(format.getValue()) : describe(value);
            return new ConfigException(positions.atValue(pointer) + dotted(path) + ": expected "
                    + expected(mismatch.getTargetType()) + ", got " + got, error);
        }
        return new ConfigException(positions.atValue(pointer) + dotted(path) + ": " + error.getOriginalMessage(), error);
    }

    private JsonNode valueAt(String pointer) {
        return node.at(pointer.substring(pointer().length()));
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 30s, 5m or 1h30m";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || JsonNode.class.isAssignableFrom(type)) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }

    private static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "\"" + value.textValue() + "\"";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.isMissingNode() ? "nothing" : value.toString();
    }

    private String pointer() {
        return pointer;
    }

    private String dotted(List<String> path) {
        List<String> parts = new ArrayList<>();
        if (!name.isEmpty()) {
            parts.add(name);
        }
        parts.addAll(path);
        return String.join(".", parts);
    }

    private static ObjectMapper strict() {
        ObjectMapper mapper = Json.yaml().copy();
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }
}
