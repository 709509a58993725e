package dev.quench.core.expr;

import dev.quench.api.ShellCommand;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders a step's {@code with:} just before the step runs. Fields whose configuration record
 * component carries {@link ShellCommand} render in {@link RenderMode#SHELL} (every inserted value
 * one quoted word), everything else in {@link RenderMode#PLAIN}. Thread-safe.
 */
public final class StepConfigRenderer {

    private static final ClassValue<Set<String>> SHELL_FIELDS = new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                return Set.of();
            }
            return Stream.of(components).filter(component -> component.isAnnotationPresent(ShellCommand.class))
                    .map(RecordComponent::getName).collect(Collectors.toUnmodifiableSet());
        }
    };

    private StepConfigRenderer() {
    }

    /** The names of the components of {@code configType} that are shell commands. */
    public static Set<String> shellCommandFields(Class<? extends Record> configType) {
        return SHELL_FIELDS.get(Objects.requireNonNull(configType, "configType"));
    }

    /**
     * Renders {@code with} for step {@code stepId}.
     *
     * @return the rendered fields, in the order written; values may be null
     * @throws ExpressionException naming the step, the field and the expression that failed
     */
    public static Map<String, Object> render(String stepId, ValueTemplate.MapValue with, ExpressionScope scope,
                                             Class<? extends Record> configType) {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(with, "with");
        Objects.requireNonNull(scope, "scope");
        Set<String> shellFields = shellCommandFields(configType);
        Map<String, Object> rendered = new LinkedHashMap<>();
        for (Map.Entry<String, ValueTemplate> field : with.entries().entrySet()) {
            RenderMode mode = shellFields.contains(field.getKey()) ? RenderMode.SHELL : RenderMode.PLAIN;
            try {
                rendered.put(field.getKey(), field.getValue().render(scope, mode));
            } catch (ExpressionException e) {
                throw e.inStep(stepId, field.getKey());
            }
        }
        return Collections.unmodifiableMap(rendered);
    }
}
