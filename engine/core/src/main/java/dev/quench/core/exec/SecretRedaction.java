package dev.quench.core.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of run history: a rendered step input whose name looks like a credential
 * (token, password, secret, authorization, api key — at any depth, e.g. a header) is stored as
 * {@code ***}. The step itself still receives the real value.
 */
final class SecretRedaction {

    static final String MASK = "***";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passphrase|token|secret|authorization|api[-_]?key|credential|cookie).*");

    private SecretRedaction() {
    }

    static Map<String, Object> redact(Map<String, Object> rendered) {
        Map<String, Object> copy = new LinkedHashMap<>();
        rendered.forEach((name, value) -> copy.put(name,
                value != null && SECRET_NAME.matcher(name).matches() ? MASK : redactValue(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object redactValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((key, inner) -> nested.put(String.valueOf(key), inner));
            return redact(nested);
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            list.forEach(item -> items.add(redactValue(item)));
            return items;
        }
        return value;
    }
}
