package dev.quench.core.runbook;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One Alertmanager label matcher such as {@code severity=~"warning|critical"}. Regular expressions
 * are compiled once and fully anchored, as Alertmanager does: {@code =~"warn"} does not match
 * {@code warning}. A label the alert does not have counts as the empty string, also as in
 * Alertmanager, so {@code team=""} matches alerts without a team.
 *
 * <p>A final class rather than a record because it carries the compiled pattern, which is not
 * part of its identity. Immutable and thread-safe.
 */
public final class LabelMatcher {

    private final String name;
    private final MatchOperator operator;
    private final String value;
    private final Pattern pattern;

    private LabelMatcher(String name, MatchOperator operator, String value) {
        this.name = Objects.requireNonNull(name, "name");
        this.operator = Objects.requireNonNull(operator, "operator");
        this.value = Objects.requireNonNull(value, "value");
        boolean regex = operator == MatchOperator.REGEX || operator == MatchOperator.NOT_REGEX;
        // A non-capturing group keeps alternations like a|b inside the anchors.
        this.pattern = regex ? Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL) : null;
    }

    /**
     * A matcher; regex operators compile {@code value} now.
     *
     * @throws java.util.regex.PatternSyntaxException when a regex operator has an invalid expression
     */
    public static LabelMatcher of(String name, MatchOperator operator, String value) {
        return new LabelMatcher(name, operator, value);
    }

    /** The label name. */
    public String name() {
        return name;
    }

    /** How the label value is compared. */
    public MatchOperator operator() {
        return operator;
    }

    /** The value or regular expression, unescaped. */
    public String value() {
        return value;
    }

    /** Whether {@code labels} satisfy this matcher. */
    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(name);
        if (actual == null) {
            actual = "";
        }
        return switch (operator) {
            case EQUAL -> actual.equals(value);
            case NOT_EQUAL -> !actual.equals(value);
            case REGEX -> pattern.matcher(actual).matches();
            case NOT_REGEX -> !pattern.matcher(actual).matches();
        };
    }

    /** The matcher in Alertmanager syntax, value quoted and escaped; parses back to an equal matcher. */
    @Override
    public String toString() {
        String escaped = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return name + operator.symbol() + "\"" + escaped + "\"";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelMatcher that
                && name.equals(that.name) && operator == that.operator && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, operator, value);
    }
}
