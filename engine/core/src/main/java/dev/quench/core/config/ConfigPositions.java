package dev.quench.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each key and value of a config file is ({@code LINE:COL}), by JSON pointer, so an error found
 * while binding a section's tree can still name its place in the file. Immutable.
 *
 * @param file   the file as the operator named it, or null for a config built in code
 * @param keys   position of each key, by the pointer of its value
 * @param values position of each value, by its pointer
 */
public record ConfigPositions(String file, Map<String, JsonLocation> keys, Map<String, JsonLocation> values) {

    /** A config built in code: errors name the key only. */
    public static final ConfigPositions NONE = new ConfigPositions(null, Map.of(), Map.of());

    public ConfigPositions {
        keys = Map.copyOf(keys);
        values = Map.copyOf(values);
    }

    /** Indexes {@code text}, which has already been parsed once, so it is well-formed. */
    static ConfigPositions index(String file, String text) {
        Map<String, JsonLocation> keys = new HashMap<>();
        Map<String, JsonLocation> values = new HashMap<>();
        try (JsonParser parser = Json.yaml().getFactory().createParser(text)) {
            if (parser.nextToken() != null) {
                walk(parser, "", keys, values);
            }
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read again to locate its keys: " + e.getMessage(), e);
        }
        return new ConfigPositions(file, keys, values);
    }

    private static void walk(JsonParser parser, String pointer, Map<String, JsonLocation> keys,
                             Map<String, JsonLocation> values) throws IOException {
        values.put(pointer, parser.currentTokenLocation());
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String child = pointer + "/" + parser.currentName().replace("~", "~0").replace("/", "~1");
                keys.put(child, parser.currentTokenLocation());
                parser.nextToken();
                walk(parser, child, keys, values);
            }
        } else if (parser.currentToken() == JsonToken.START_ARRAY) {
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                walk(parser, pointer + "/" + index++, keys, values);
            }
        }
    }

    /** {@code FILE:LINE:COL: } of the key at {@code pointer} (or of its nearest enclosing key), or "" without a file. */
    String atKey(String pointer) {
        return at(pointer, keys);
    }

    /** {@code FILE:LINE:COL: } of the value at {@code pointer} (or of its nearest enclosing value). */
    String atValue(String pointer) {
        return at(pointer, values);
    }

    private String at(String pointer, Map<String, JsonLocation> positions) {
        if (file == null) {
            return "";
        }
        String place = pointer;
        Optional<JsonLocation> found = Optional.ofNullable(positions.get(place));
        while (found.isEmpty() && !place.isEmpty()) {
            place = place.substring(0, place.lastIndexOf('/'));
            found = Optional.ofNullable(values.get(place));
        }
        return found.map(location -> file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ")
                .orElse(file + ": ");
    }
}
