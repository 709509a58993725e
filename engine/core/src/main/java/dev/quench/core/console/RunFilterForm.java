package dev.quench.core.console;

import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The runs screen's filter form as the user filled it in: the same parameters as {@code GET /api/v1/runs}
 * ({@code status, runbook, team, trigger, since, until, limit}), kept as typed so the form shows them again
 * and every page link carries them (a filtered view is a bookmarkable URL). Immutable.
 */
public record RunFilterForm(Map<String, String> values) {

    /** The filter parameters, in the order the form shows them. */
    public static final List<String> NAMES = List.of("status", "runbook", "team", "trigger", "since", "until", "limit");

    /** The statuses a user may filter by, as the store names them. */
    public static final List<String> STATUSES = List.of("queued", "running", "awaiting_approval", "succeeded",
            "failed", "cancelled", "refused", "rejected", "interrupted");

    /** The triggers a user may filter by. */
    public static final List<String> TRIGGERS = List.of("alert", "manual", "schedule");

    /** The time ranges offered for {@code since} (any duration or RFC 3339 time also works in the URL). */
    public static final List<String> SINCE_CHOICES = List.of("1h", "6h", "24h", "7d", "30d");

    public RunFilterForm {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : NAMES) {
            String value = values.get(name);
            if (value != null && !value.isBlank()) {
                kept.put(name, value.strip());
            }
        }
        values = java.util.Collections.unmodifiableMap(kept);
    }

    /** The filter in a request's query string (other parameters, such as {@code before}, are not part of it). */
    public static RunFilterForm of(MultiMap params) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : NAMES) {
            values.put(name, params.get(name));
        }
        return new RunFilterForm(values);
    }

    /** The value of {@code name}, or empty. */
    public String value(String name) {
        return values.getOrDefault(name, "");
    }

    /** Whether any filter is set. */
    public boolean filtered() {
        return values.keySet().stream().anyMatch(name -> !name.equals("limit"));
    }

    /** {@code /runs?status=failed&team=web} for this filter. */
    public String url() {
        return values.isEmpty() ? "/runs" : "/runs?" + query();
    }

    /** The page after the cursor {@code before}, with this filter. */
    public String urlBefore(String before) {
        return "/runs?" + (values.isEmpty() ? "" : query() + "&") + "before=" + encode(before);
    }

    private String query() {
        return values.entrySet().stream().map(entry -> entry.getKey() + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
