package dev.quench.core.plugin;

import com.fasterxml.jackson.databind.JsonMappingException;
import dev.quench.core.util.Json;
import java.util.Map;
import java.util.stream.Collectors;

/** Turns a step's rendered {@code with:} map into the step type's configuration record. */
public final class StepConfigMapper {

    private StepConfigMapper() {
    }

    /**
     * Maps {@code with} onto {@code configType}.
     *
     * @throws IllegalArgumentException naming the field and the problem, for the runbook author
     */
    public static <C extends Record> C map(Map<String, Object> with, Class<C> configType) {
        try {
            return Json.json().convertValue(with, configType);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    private static String describe(IllegalArgumentException error) {
        Throwable cause = error.getCause();
        while (cause != null) {
            if (cause instanceof JsonMappingException mapping) {
                String path = mapping.getPath().stream()
                        .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                                : "[" + reference.getIndex() + "]")
                        .collect(Collectors.joining("."));
                Throwable root = mapping;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                String reason = root instanceof IllegalArgumentException && root != mapping
                        ? root.getMessage() : mapping.getOriginalMessage();
                return path.isEmpty() ? reason : "with." + path + ": " + reason;
            }
            if (cause instanceof IllegalArgumentException argument && cause.getCause() == null) {
                return argument.getMessage();
            }
            cause = cause.getCause();
        }
        return error.getMessage();
    }
}
