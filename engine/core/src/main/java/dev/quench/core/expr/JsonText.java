package dev.quench.core.expr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON parsing for expressions ({@code json(text)}, {@code steps.<id>.json}) with limits: the text
 * comes from remote hosts and alerts, so nesting depth and string length are capped. Thread-safe.
 */
final class JsonText {

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64).maxStringLength(1 << 20).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonText() {
    }

    /**
     * The JSON value of {@code text} as read-only plain values.
     *
     * @throws IllegalArgumentException saying where the text stops being JSON
     */
    static Object parse(String function, String text) {
        try {
            return ReadOnly.copy(JSON.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + " column " + location.getColumnNr();
            String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
            throw new IllegalArgumentException(function + ": not valid JSON" + where + ": " + e.getOriginalMessage()
                    + " (text: '" + shown + "')", e);
        }
    }
}
