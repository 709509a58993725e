package dev.quench.plugin.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies of JSON-like values (maps, lists, strings, numbers, booleans, null). Stateless. */
final class JsonValues {

    private JsonValues() {
    }

    /**
     * A deep, unmodifiable copy of {@code value}. Unlike {@code Map.copyOf} it keeps nulls and key
     * order, since both are meaningful in JSON.
     *
     * @throws IllegalArgumentException when {@code value} holds something JSON cannot express
     */
    static Object immutableCopy(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), immutableCopy(item)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(immutableCopy(item)));
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException("http.request: json holds a " + value.getClass().getSimpleName()
                + ", which is not a JSON value: use objects, lists, strings, numbers, booleans and null");
    }
}
