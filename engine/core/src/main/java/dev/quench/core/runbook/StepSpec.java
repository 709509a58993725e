package dev.quench.core.runbook;

import dev.quench.core.expr.Template;
import dev.quench.core.expr.ValueTemplate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a runbook, checked and compiled.
 *
 * @param id              unique in the runbook; later steps read it as {@code steps.<id>}
 * @param uses            the step type ({@code ssh.exec}, {@code http.request}, ...)
 * @param with            the step's configuration, with compiled {@code ${{ }}} templates
 * @param timeout         how long one attempt of the step may run (default {@link #DEFAULT_TIMEOUT})
 * @param position        where the step starts in its file
 * @param when            run the step only when this holds; empty means always
 * @param retry           how a failed step is tried again
 * @param continueOnError whether the run goes on (and may succeed) when this step fails
 * @param outputs         named values computed from the step's own result once it succeeded,
 *                        read later as {@code steps.<id>.outputs.<name>}
 * @param forEach         run the step once per item of a list, if set
 * @param every           for a step of {@code verify:} only: the time between its checks (empty: {@link #DEFAULT_EVERY});
 *                        always empty elsewhere
 */
public record StepSpec(String id, String uses, ValueTemplate.MapValue with, Duration timeout, SourcePosition position,
                       Optional<Condition> when, RetryPolicy retry,
                       boolean continueOnError, Map<String, Template> outputs, Optional<ForEach> forEach,
                       Optional<Duration> every) {

    /** The timeout of a step that does not set one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** The time between two checks of a verify step that does not set {@code every}. */
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(15);

    /** The shortest {@code every} of a verify step: a tighter loop only loads the checked system. */
    public static final Duration MIN_EVERY = Duration.ofSeconds(1);

    public StepSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uses, "uses");
        Objects.requireNonNull(with, "with");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(retry, "retry");
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(outputs, "outputs")));
        Objects.requireNonNull(forEach, "forEach");
        Objects.requireNonNull(every, "every");
    }

    /** The time between two checks of this step in {@code verify:}: {@code every}, else {@link #DEFAULT_EVERY}. */
    public Duration everyOrDefault() {
        return every.orElse(DEFAULT_EVERY);
    }
}
