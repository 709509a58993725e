package dev.quench.core.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** How an expression's value reads as text when it is joined into a string. */
public final class TextValues {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private TextValues() {
    }

    /** Null is empty, maps and lists are JSON (not Java's {a=1}), raw text is its text. */
    public static String toText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof java.util.Map<?, ?> || value instanceof java.util.Collection<?>) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the value as JSON: " + e.getOriginalMessage(), e);
            }
        }
        return value.toString();
    }
}
