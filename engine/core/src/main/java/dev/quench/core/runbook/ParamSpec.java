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
 */
public record ParamSpec(String name, Optional<Object> defaultValue, boolean required, String description) {

    public ParamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        description = description == null ? "" : description;
    }
}
