package dev.quench.core.expr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
     * @throws IllegalArgumentException saying where the text stops being JSON, without quoting any
     *         of it: the text may be a secret ({@code json(secrets.x)}), and an error ends up in
     *         the run record and the log
     */
    static Object parse(String function, String text) {
        try {
            return ReadOnly.copy(JSON.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + " column " + location.getColumnNr();
            throw new IllegalArgumentException(function + ": not valid JSON" + where + ": " + problem(e)
                    + " (the text is " + text.length() + " characters; it is not shown, as it may hold a secret)", e);
        }
    }

    /** What is wrong, in words of our own: Jackson's messages quote the text they stopped at. */
    private static String problem(JsonProcessingException error) {
        if (error instanceof StreamConstraintsException) {
            return "it is nested deeper than 64 levels or has a string over 1 MiB";
        }
        if (error instanceof JsonEOFException) {
            return "the text ends before the JSON value does";
        }
        if (error instanceof MismatchedInputException && String.valueOf(error.getOriginalMessage()).startsWith("Trailing token")) {
            return "more text follows the JSON value";
        }
        if (error instanceof MismatchedInputException) {
            return "the text is empty or holds no JSON value";
        }
        return "unexpected character or word";
    }
}
