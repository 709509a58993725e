package dev.quench.core.expr;

import dev.quench.api.StepResult;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A step result as expressions see it: {@code steps.<id>.stdout}, {@code stderr},
 * {@code exitCode}, {@code status} ({@code succeeded} / {@code failed}), {@code outputs},
 * {@code message} and {@code json}, the standard output parsed as JSON, or null when it is not.
 * The JSON is parsed on first use only (most expressions never read it) and then kept.
 * Read-only and thread-safe.
 */
final class StepResultView extends AbstractMap<String, Object> {

    private static final Object NOT_JSON = new Object();

    private final StepResult result;
    private final Map<String, Object> extra;
    private volatile Object json;

    StepResultView(StepResult result) {
        this(result, Map.of());
    }

    private StepResultView(StepResult result, Map<String, Object> extra) {
        this.result = Objects.requireNonNull(result, "result");
        this.extra = extra;
    }

    /** The view of a forEach step: its overall result, plus {@code items}, one view per iteration. */
    static StepResultView ofForEach(StepResult result, List<ItemResult> items) {
        List<Object> views = new java.util.ArrayList<>(items.size());
        for (ItemResult item : items) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("item", ReadOnly.copy(item.item()));
            extra.put("index", item.index());
            views.add(new StepResultView(item.result(), Collections.unmodifiableMap(extra)));
        }
        return new StepResultView(result, Map.of("items", Collections.unmodifiableList(views)));
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        return switch (name) {
            case "stdout" -> result.stdout();
            case "stderr" -> result.stderr();
            case "exitCode" -> result.exitCode();
            case "status" -> result.status().name().toLowerCase(Locale.ROOT);
            case "outputs" -> result.outputs();
            case "message" -> result.message();
            case "json" -> json();
            default -> extra.get(name);
        };
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && (ExpressionLanguage.STEP_FIELDS.contains(name) || extra.containsKey(name));
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String field : List.of("stdout", "stderr", "exitCode", "status", "outputs", "message", "json")) {
            all.put(field, get(field));
        }
        all.putAll(extra);
        return Collections.unmodifiableMap(all).entrySet();
    }

    private Object json() {
        Object parsed = json;
        if (parsed == null) {
            parsed = parse(result.stdout());
            json = parsed;
        }
        return parsed == NOT_JSON ? null : parsed;
    }

    private static Object parse(String stdout) {
        String trimmed = stdout.strip();
        if (trimmed.isEmpty()) {
            return NOT_JSON;
        }
        try {
            Object value = JsonText.parse("json", trimmed);
            return value == null ? NOT_JSON : value;
        } catch (IllegalArgumentException ignored) {
            // Not JSON is a normal answer here: steps.x.json is then null, as documented.
            return NOT_JSON;
        }
    }
}
