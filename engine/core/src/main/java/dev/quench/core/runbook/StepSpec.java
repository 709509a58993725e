package dev.quench.core.runbook;

import dev.quench.core.expr.ValueTemplate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a runbook, checked and compiled.
 *
 * @param id       unique in the runbook; later steps read it as {@code steps.<id>}
 * @param uses     the step type ({@code ssh.exec}, {@code http.request}, ...)
 * @param with     the step's configuration, with compiled {@code ${{ }}} templates
 * @param timeout  how long the step may run (default {@link #DEFAULT_TIMEOUT})
 * @param position where the step starts in its file
 * @param deferred fields the format defines but this version does not run yet ({@code retry}),
 *                 as plain YAML values by name
 */
public record StepSpec(String id, String uses, ValueTemplate.MapValue with, Duration timeout, SourcePosition position,
                       Map<String, Object> deferred) {

    /** The timeout of a step that does not set one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public StepSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uses, "uses");
        Objects.requireNonNull(with, "with");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(position, "position");
        deferred = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(deferred, "deferred")));
    }
}
