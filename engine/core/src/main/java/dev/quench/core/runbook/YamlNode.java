package dev.quench.core.runbook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A YAML value that remembers where it was written, so every problem can point at its line and
 * column. Only what runbooks need: mappings with string keys, sequences and scalars.
 */
sealed interface YamlNode {

    /** Where the value starts. */
    SourcePosition position();

    /** The value as plain Java objects (maps, lists, scalars), without positions. */
    Object toPlain();

    /** What kind of YAML value this is, for messages: "a mapping", "a list", "text", ... */
    String describe();

    /** One key and its value in a mapping. */
    record Entry(String key, SourcePosition keyPosition, YamlNode value) {
    }

    record Mapping(SourcePosition position, Map<String, Entry> entries) implements YamlNode {

        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public Object toPlain() {
            Map<String, Object> plain = new LinkedHashMap<>();
            entries.forEach((key, entry) -> plain.put(key, entry.value().toPlain()));
            return Collections.unmodifiableMap(plain);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(SourcePosition position, List<YamlNode> items) implements YamlNode {

        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public Object toPlain() {
            List<Object> plain = new ArrayList<>(items.size());
            items.forEach(item -> plain.add(item.toPlain()));
            return Collections.unmodifiableList(plain);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar.
     *
     * @param value        String, Integer, Long, BigInteger, Double, BigDecimal, Boolean, or null
     * @param contentShift columns from {@link #position()} to the first character of the value as
     *                     parsed (1 for a quoted scalar), or -1 when the written form does not map
     *                     character by character onto the value (escapes, folding, several lines)
     */
    record Scalar(SourcePosition position, Object value, int contentShift) implements YamlNode {

        public Scalar {
            Objects.requireNonNull(position, "position");
        }

        /** The position of character {@code offset} of the value, or the scalar's start when unknown. */
        SourcePosition positionAt(int offset) {
            return contentShift < 0 ? position : position.plusColumns(contentShift + offset);
        }

        boolean isText() {
            return value instanceof String;
        }

        @Override
        public Object toPlain() {
            return value;
        }

        @Override
        public String describe() {
            return switch (value) {
                case null -> "nothing (null)";
                case String text -> "text '" + text + "'";
                case Boolean bool -> "the boolean " + bool;
                default -> "the number " + value;
            };
        }
    }
}
