package dev.quench.core.console;

import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The alerts page's filter form as the user filled it in: echoed back into the form (a refused value too, so
 * it can be corrected) and carried into the next page's link. Only the form's own fields are kept. Immutable.
 *
 * @param values the form's fields that were given, in the form's order
 */
public record AlertFilterForm(Map<String, String> values) {

    /** The form's fields, in order; {@code before} is the paging cursor, never a field of the form. */
    private static final String[] FIELDS = {"matched", "status", "source", "alertname", "since", "until"};
    /** Longer than any valid value: what is longer is cut before it is echoed (it is refused anyway). */
    private static final int MAX_ECHOED = 600;

    public AlertFilterForm {
        values = Map.copyOf(values);
    }

    /** The fields of {@code params} the form knows, blank ones left out. */
    public static AlertFilterForm of(MultiMap params) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : FIELDS) {
            String value = params.get(field);
            if (value != null && !value.isBlank()) {
                values.put(field, value.length() > MAX_ECHOED ? value.substring(0, MAX_ECHOED) : value);
            }
        }
        return new AlertFilterForm(values);
    }

    /** The value of {@code field}, or an empty string. */
    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    /** Whether the select {@code field} has {@code option} chosen (the empty option when nothing is). */
    public boolean chosen(String field, String option) {
        return value(field).equals(option);
    }

    /** The URL of the page of alerts older than {@code before}, with the same filter. */
    public String olderThan(long before) {
        return "/alerts?" + query() + (values.isEmpty() ? "" : "&") + "before=" + before;
    }

    /** The URL of the newest page with the same filter. */
    public String newest() {
        return values.isEmpty() ? "/alerts" : "/alerts?" + query();
    }

    private String query() {
        StringJoiner query = new StringJoiner("&");
        for (String field : FIELDS) {
            if (values.containsKey(field)) {
                query.add(field + "=" + URLEncoder.encode(values.get(field), StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }
}
