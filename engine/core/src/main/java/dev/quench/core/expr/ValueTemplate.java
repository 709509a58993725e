package dev.quench.core.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled YAML value whose strings may hold {@code ${{ }}}: the shape of a step's
 * {@code with:}. Maps and lists keep their order; strings are {@link Template}s; numbers, booleans
 * and null are literals. Immutable and thread-safe.
 */
public sealed interface ValueTemplate {

    /** Renders this value; strings render in {@code mode}. */
    Object render(ExpressionScope scope, RenderMode mode);

    /** The value as written, without rendering anything (for dry runs and display). */
    Object source();

    /** A mapping; keys are plain strings. */
    record MapValue(Map<String, ValueTemplate> entries) implements ValueTemplate {

        public MapValue {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(entries, "entries")));
        }

        /** An empty mapping, for a step without {@code with:}. */
        public static MapValue empty() {
            return new MapValue(Map.of());
        }

        @Override
        public Map<String, Object> render(ExpressionScope scope, RenderMode mode) {
            Map<String, Object> rendered = new LinkedHashMap<>();
            entries.forEach((key, value) -> rendered.put(key, value.render(scope, mode)));
            return Collections.unmodifiableMap(rendered);
        }

        @Override
        public Map<String, Object> source() {
            Map<String, Object> written = new LinkedHashMap<>();
            entries.forEach((key, value) -> written.put(key, value.source()));
            return Collections.unmodifiableMap(written);
        }
    }

    /** A sequence. */
    record ListValue(List<ValueTemplate> items) implements ValueTemplate {

        public ListValue {
            items = List.copyOf(Objects.requireNonNull(items, "items"));
        }

        @Override
        public List<Object> render(ExpressionScope scope, RenderMode mode) {
            List<Object> rendered = new ArrayList<>(items.size());
            items.forEach(item -> rendered.add(item.render(scope, mode)));
            return Collections.unmodifiableList(rendered);
        }

        @Override
        public List<Object> source() {
            List<Object> written = new ArrayList<>(items.size());
            items.forEach(item -> written.add(item.source()));
            return Collections.unmodifiableList(written);
        }
    }

    /** A string, possibly with expressions. */
    record TextValue(Template template) implements ValueTemplate {

        public TextValue {
            Objects.requireNonNull(template, "template");
        }

        @Override
        public Object render(ExpressionScope scope, RenderMode mode) {
            return template.render(scope, mode);
        }

        @Override
        public String source() {
            return template.source();
        }
    }

    /** A number, boolean or null, used as is. */
    record LiteralValue(Object value) implements ValueTemplate {

        @Override
        public Object render(ExpressionScope scope, RenderMode mode) {
            // A literal number in a shell command or URL field is still text there.
            return mode != RenderMode.PLAIN && value != null ? value.toString() : value;
        }

        @Override
        public Object source() {
            return value;
        }
    }
}
