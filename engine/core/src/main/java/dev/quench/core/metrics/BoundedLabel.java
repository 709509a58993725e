package dev.quench.core.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one label may take: the first {@code max} distinct values seen are kept, every later one
 * is reported as {@value #OTHER}, so a label fed from outside (an alert name, a source) cannot make the
 * number of series grow without limit. Values are also cut to {@value #MAX_LENGTH} characters. Thread-safe.
 */
final class BoundedLabel {

    /** The value every label value beyond the limit is reported as. */
    static final String OTHER = "other";

    /** Characters of a label value kept; a longer one is cut (runbook names are far shorter). */
    static final int MAX_LENGTH = 128;

    private final int max;
    private final Set<String> kept = ConcurrentHashMap.newKeySet();

    BoundedLabel(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** {@code value} itself while there is room (or it was seen before), else {@value #OTHER}. */
    String of(String value) {
        String text = value == null || value.isEmpty() ? "none" : value;
        if (text.length() > MAX_LENGTH) {
            text = text.substring(0, MAX_LENGTH);
        }
        if (kept.contains(text)) {
            return text;
        }
        synchronized (kept) {
            if (kept.size() < max) {
                kept.add(text);
                return text;
            }
        }
        return OTHER;
    }

    /** How many distinct values are kept. */
    int size() {
        return kept.size();
    }

    @Override
    public String toString() {
        return "BoundedLabel[max=" + max + ", kept=" + kept.size() + "]";
    }
}
