package dev.quench.core.runbook;

import java.util.Objects;
import java.util.Optional;

/**
 * A declared runbook param ({@code params.<name>} in expressions).
 *
 * @param name         the name, a valid expression identifier
 * @param defaultValue the value when a run does not set it, if any
 * @param required     whether every run must set it (then it has no default)
 * @param description  what it is for, may be empty
 * @param type         the declared type; a param without one takes text and keeps its default as written
 */
public record ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description,
                        Optional<ParamType> type) {

    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        description = description == null ? "" : description;
        Objects.requireNonNull(type, "type");
    }

    /** A param without a declared type. */
    public ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description) {
        this(name, defaultValue, required, description, Optional.empty());
    }

    /**
     * A value given for this param by a run, converted to its type.
     *
     * @throws IllegalArgumentException naming the param and saying what was expected
     */
    public Object convert(Object value) {
        if (type.isEmpty()) {
            // Untyped params take text, as they always did.
            return value == null ? null : value.toString();
        }
        try {
            return type.get().convert(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("param '" + name + "' (type: " + type.get().wireName() + "): "
                    + e.getMessage(), e);
        }
    }
}
