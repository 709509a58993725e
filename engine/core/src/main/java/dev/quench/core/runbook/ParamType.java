package dev.quench.core.runbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.quench.core.util.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The type of a runbook param ({@code type:}). A run's values arrive as text (command line) or
 * JSON (API, runbook tests) and are converted once, when the run starts, so expressions see a
 * real number, boolean, list or map. Thread-safe.
 */
public enum ParamType {
    STRING("string", "text", "text"),
    INT("int", "a whole number", "a whole number"),
    NUMBER("number", "a number", "a number"),
    BOOL("bool", "true or false", "true or false"),
    LIST("list", "a list (a JSON array, or text separated by commas)", "a YAML list, like [web-1, web-2]"),
    MAP("map", "a mapping (a JSON object)", "a YAML mapping, like {cpu: 2}");

    /** Names authors reach for from other languages, for the did-you-mean of an unknown type. */
    private static final java.util.Map<String, String> ALIASES = java.util.Map.of("integer", "int", "long", "int",
            "boolean", "bool", "float", "number", "double", "number", "array", "list", "object", "map", "dict", "map",
            "str", "string", "text", "string");

    private final String wireName;
    private final String description;
    private final String yamlDescription;

    ParamType(String wireName, String description, String yamlDescription) {
        this.wireName = wireName;
        this.description = description;
        this.yamlDescription = yamlDescription;
    }

    /** What a default of this type looks like in YAML, for load-time messages. */
    public String yamlDescription() {
        return yamlDescription;
    }

    /** The type an author probably meant by {@code name} ({@code integer}: {@code int}), if any. */
    public static Optional<String> alias(String name) {
        return Optional.ofNullable(ALIASES.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The name written in runbooks. */
    public String wireName() {
        return wireName;
    }

    /** What a value of this type is, for messages. */
    public String description() {
        return description;
    }

    /** The names written in runbooks, in order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(ParamType::wireName).toList();
    }

    /** The type called {@code name}, if any. */
    public static Optional<ParamType> parse(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    /**
     * {@code value} as this type: text is parsed (numbers, {@code true}/{@code false}, JSON or
     * comma-separated lists, JSON objects); values that already have the type are kept.
     *
     * @throws IllegalArgumentException saying what the value is and what was expected
     */
    public Object convert(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("expected " + description + ", got nothing (null)");
        }
        return switch (this) {
            case STRING -> value instanceof String || value instanceof Number || value instanceof Boolean
                    ? value.toString() : fail(value);
            case INT -> toInt(value);
            case NUMBER -> toNumber(value);
            case BOOL -> toBool(value);
            case LIST -> toList(value);
            case MAP -> toMap(value);
        };
    }

    private Object toInt(Object value) {
        try {
            BigDecimal number = value instanceof Number n ? new BigDecimal(n.toString())
                    : value instanceof String text ? new BigDecimal(text.strip()) : null;
            if (number == null) {
                return fail(value);
            }
            BigInteger whole = number.toBigIntegerExact();
            return whole.bitLength() < 32 ? (Object) whole.intValue() : (Object) whole.longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return fail(value);
        }
    }

    private Object toNumber(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Double) {
            return value;
        }
        try {
            double number = value instanceof Number n ? n.doubleValue()
                    : value instanceof String text ? Double.parseDouble(text.strip()) : Double.NaN;
            return Double.isFinite(number) ? (Object) number : fail(value);
        } catch (NumberFormatException e) {
            return fail(value);
        }
    }

    private Object toBool(Object value) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        if (value instanceof String text && (text.strip().equalsIgnoreCase("true") || text.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(text.strip().toLowerCase(Locale.ROOT));
        }
        return fail(value);
    }

    private Object toList(Object value) {
        if (value instanceof List<?> list) {
            return Collections.unmodifiableList(new ArrayList<>(list));
        }
        if (!(value instanceof String text)) {
            return fail(value);
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            try {
                return Collections.unmodifiableList(Json.json().readValue(trimmed, new TypeReference<List<Object>>() {
                }));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("expected " + description + ", got '" + shorten(text)
                        + "', which is not a valid JSON array: " + e.getOriginalMessage());
            }
        }
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(trimmed.split(",")).map(String::strip).toList();
    }

    private Object toMap(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), item));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof String text && text.strip().startsWith("{")) {
            try {
                return Collections.unmodifiableMap(Json.json().readValue(text.strip(),
                        new TypeReference<LinkedHashMap<String, Object>>() {
                        }));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("expected " + description + ", got '" + shorten(text)
                        + "', which is not a valid JSON object: " + e.getOriginalMessage());
            }
        }
        return fail(value);
    }

    private Object fail(Object value) {
        String shown = value instanceof String text ? "'" + shorten(text) + "'"
                : value instanceof Map<?, ?> ? "a mapping" : value instanceof List<?> ? "a list" : String.valueOf(value);
        throw new IllegalArgumentException("expected " + description + ", got " + shown);
    }

    private static String shorten(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
