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
 * @param site         site configuration ({@code site: true}): the value is the runbook's default or the site's
 *                     ({@code params:} in quench.yaml), and a run request that sets it is refused, because a
 *                     URL, host or path the author meant as configuration must not be chosen by whoever may
 *                     start a run (a health URL fetched on a production host is a server-side request forgery)
 */
public record ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description,
                        Optional<ParamType> type, boolean site) {

    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        description = description == null ? "" : description;
        Objects.requireNonNull(type, "type");
    }

    /** A param without a declared type that a run may set. */
    public ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description) {
        this(name, defaultValue, required, description, Optional.empty());
    }

    /** A param that a run may set. */
    public ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description,
                     Optional<ParamType> type) {
        this(name, defaultValue, required, description, type, false);
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
