package dev.quench.core.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.util.Json;

/** A value of params or rendered inputs as one line of text for a page: text as is, lists and maps as JSON. */
final class ValueText {

    private ValueText() {
    }

    static String of(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        try {
            return Json.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Shown, not parsed: the plain form is good enough to read.
            return String.valueOf(value);
        }
    }
}
