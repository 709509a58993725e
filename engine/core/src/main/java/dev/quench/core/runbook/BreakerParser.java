package dev.quench.core.runbook;

import dev.quench.core.util.Durations;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code guards.breaker: {failures: 3, within: 1h, coolOff: 30m}} into a {@link BreakerSpec}, and
 * checks the same fields given as a map by the Groovy DSL. Thread-safe (stateless).
 */
public final class BreakerParser {

    /** The fields of {@code guards.breaker}. */
    public static final Set<String> FIELDS = new LinkedHashSet<>(List.of("failures", "within", "coolOff"));
    static final String EXAMPLE = "{failures: 3, within: 1h, coolOff: 30m}";

    private BreakerParser() {
    }

    /** The breaker of the {@code breaker} entry of {@code guards:}, or empty (then with problems). */
    static Optional<BreakerSpec> parse(YamlNode.Entry entry, ProblemList problems) {
        Optional<YamlNode.Mapping> fields = problems.mapping(entry.value(), "guards.breaker", EXAMPLE);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        problems.checkKeys(fields.get(), FIELDS, " in guards.breaker");
        Map<String, YamlNode.Entry> entries = fields.get().entries();
        boolean valid = true;
        int failures = 0;
        YamlNode.Entry count = entries.get("failures");
        if (count == null) {
            problems.add(entry.value().position(), "guards.breaker needs failures (how many failed runs trip it), like "
                    + EXAMPLE);
            valid = false;
        } else if (count.value() instanceof YamlNode.Scalar scalar && isWholeNumber(scalar.value())
                && ((Number) scalar.value()).longValue() >= 1
                && ((Number) scalar.value()).longValue() <= BreakerSpec.MAX_FAILURES) {
            failures = ((Number) scalar.value()).intValue();
        } else {
            problems.add(count.value().position(), "guards.breaker.failures must be a whole number from 1 to "
                    + BreakerSpec.MAX_FAILURES + ", found " + count.value().describe());
            valid = false;
        }
        Optional<Duration> within = Optional.empty();
        YamlNode.Entry window = entries.get("within");
        if (window == null) {
            problems.add(entry.value().position(), "guards.breaker needs within (the window failures are counted in), "
                    + "like " + EXAMPLE);
            valid = false;
        } else {
            within = duration(window, "guards.breaker.within", problems);
            valid &= within.isPresent();
        }
        Optional<Duration> coolOff = Optional.empty();
        YamlNode.Entry cool = entries.get("coolOff");
        if (cool != null) {
            coolOff = duration(cool, "guards.breaker.coolOff", problems);
            valid &= coolOff.isPresent();
        }
        if (!valid) {
            return Optional.empty();
        }
        return Optional.of(new BreakerSpec(failures, within.get(), coolOff.orElse(within.get())));
    }

    /**
     * The breaker given as a map (the Groovy DSL: {@code guards breaker: [failures: 3, within: '1h']}).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static BreakerSpec fromMap(Map<?, ?> options) {
        for (Object field : options.keySet()) {
            if (!FIELDS.contains(String.valueOf(field))) {
                throw new IllegalArgumentException("unknown field '" + field + "' in guards breaker"
                        + dev.quench.core.util.DidYouMean.hint(String.valueOf(field), FIELDS) + " (" + EXAMPLE + ")");
            }
        }
        Object failures = options.get("failures");
        if (!(failures instanceof Integer count) || count < 1 || count > BreakerSpec.MAX_FAILURES) {
            throw new IllegalArgumentException("guards breaker failures must be a whole number from 1 to "
                    + BreakerSpec.MAX_FAILURES + ", found " + failures);
        }
        if (options.get("within") == null) {
            throw new IllegalArgumentException("guards breaker needs within, like " + EXAMPLE);
        }
        Duration within = checked(options.get("within").toString(), "guards breaker within");
        Duration coolOff = options.get("coolOff") == null ? within
                : checked(options.get("coolOff").toString(), "guards breaker coolOff");
        return new BreakerSpec(count, within, coolOff);
    }

    private static Duration checked(String text, String label) {
        Duration duration;
        try {
            duration = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + label + " '" + text + "': write it like 30m, 1h or 1d", e);
        }
        if (duration.compareTo(BreakerSpec.MIN_WINDOW) < 0 || duration.compareTo(BreakerSpec.MAX_WINDOW) > 0) {
            throw new IllegalArgumentException(label + " must be from " + Durations.format(BreakerSpec.MIN_WINDOW)
                    + " to " + Durations.format(BreakerSpec.MAX_WINDOW) + ", found " + text);
        }
        return duration;
    }

    private static Optional<Duration> duration(YamlNode.Entry entry, String label, ProblemList problems) {
        YamlNode value = entry.value();
        String text = value instanceof YamlNode.Scalar scalar && scalar.value() != null ? scalar.value().toString() : "";
        try {
            return Optional.of(checked(text, label));
        } catch (IllegalArgumentException e) {
            problems.add(value.position(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean isWholeNumber(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }
}
