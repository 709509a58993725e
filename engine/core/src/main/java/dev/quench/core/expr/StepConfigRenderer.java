package dev.quench.core.expr;

import dev.quench.api.PromQl;
import dev.quench.api.ShellCommand;
import dev.quench.api.Url;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders a step's {@code with:} just before the step runs. Fields whose configuration record
 * component carries {@link ShellCommand} render in {@link RenderMode#SHELL} (every inserted value
 * one quoted word), those with {@link Url} in {@link RenderMode#URL} (every inserted value
 * encoded for its part of the URL), everything else in {@link RenderMode#PLAIN}. Thread-safe.
 */
public final class StepConfigRenderer {

    private static final ClassValue<Map<String, RenderMode>> MODES = new ClassValue<>() {
        @Override
        protected Map<String, RenderMode> computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            if (components == null) {
                return Map.of();
            }
            Map<String, RenderMode> modes = new LinkedHashMap<>();
            for (RecordComponent component : components) {
                if (component.isAnnotationPresent(ShellCommand.class)) {
                    modes.put(component.getName(), RenderMode.SHELL);
                } else if (component.isAnnotationPresent(Url.class)) {
                    modes.put(component.getName(), RenderMode.URL);
                } else if (component.isAnnotationPresent(PromQl.class)) {
                    modes.put(component.getName(), RenderMode.PROMQL);
                }
            }
            return Collections.unmodifiableMap(modes);
        }
    };

    private StepConfigRenderer() {
    }

    /** The names of the components of {@code configType} that are shell commands. */
    public static Set<String> shellCommandFields(Class<? extends Record> configType) {
        return MODES.get(Objects.requireNonNull(configType, "configType")).entrySet().stream()
                .filter(entry -> entry.getValue() == RenderMode.SHELL).map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** How field {@code field} of {@code configType} renders. */
    public static RenderMode modeOf(Class<? extends Record> configType, String field) {
        return MODES.get(Objects.requireNonNull(configType, "configType")).getOrDefault(field, RenderMode.PLAIN);
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
        Map<String, Object> rendered = new LinkedHashMap<>();
        for (Map.Entry<String, ValueTemplate> field : with.entries().entrySet()) {
            RenderMode mode = modeOf(configType, field.getKey());
            try {
                rendered.put(field.getKey(), field.getValue().render(scope, mode));
            } catch (ExpressionException e) {
                throw e.inStep(stepId, field.getKey());
            }
        }
        return Collections.unmodifiableMap(rendered);
    }
}
