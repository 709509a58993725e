package dev.quench.core.runbook;

import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.util.Durations;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks and compiles how a step runs, beside what it runs: {@code when}, {@code retry},
 * {@code continueOnError} and {@code outputs}. Stateless.
 */
final class StepOptionsParser {

    static final int MAX_ATTEMPTS = 10;
    static final double MAX_BACKOFF = 10;
    private static final Set<String> RETRY_FIELDS = new LinkedHashSet<>(List.of("attempts", "delay", "backoff", "retryOn"));
    private static final String OPEN = "${{";

    private StepOptionsParser() {
    }

    /**
     * A condition: {@code true}/{@code false}, one {@code ${{ expression }}}, or a bare expression
     * (as in {@code when: steps.check.exitCode != 0}).
     */
    static Optional<Condition> condition(YamlNode.Entry entry, String label, Declarations declarations,
                                         ProblemList problems) {
        if (entry == null) {
            return Optional.empty();
        }
        YamlNode node = entry.value();
        if (node instanceof YamlNode.Scalar scalar && scalar.value() instanceof Boolean bool) {
            return Optional.of(Condition.always(bool));
        }
        if (!(node instanceof YamlNode.Scalar scalar) || !scalar.isText() || ((String) scalar.value()).isBlank()) {
            problems.add(node.position(), label + " must be a condition like ${{ steps.check.exitCode != 0 }}, found "
                    + node.describe());
            return Optional.empty();
        }
        String text = ((String) scalar.value()).strip();
        int lead = ((String) scalar.value()).indexOf(text);
        boolean wrapped = text.contains(OPEN);
        // A bare expression is compiled as if written ${{ text }}; offsets are shifted back for messages.
        String source = wrapped ? text : OPEN + " " + text + " }}";
        int shift = wrapped ? lead : lead - OPEN.length() - 1;
        try {
            Template template = Template.compile(source, declarations);
            if (!template.isSingleExpression()) {
                problems.add(scalar.positionAt(lead), label + " must be exactly one ${{ }} expression with nothing "
                        + "around it, like ${{ steps.check.exitCode != 0 }}");
                return Optional.empty();
            }
            return Optional.of(new Condition(template.expressions().getFirst(), template, false));
        } catch (TemplateSyntaxException e) {
            problems.add(scalar.positionAt(Math.max(lead, e.offset() + shift)), e.getMessage());
            return Optional.empty();
        }
    }

    static RetryPolicy retry(YamlNode.Entry entry, Declarations ownResult, ProblemList problems) {
        if (entry == null) {
            return RetryPolicy.NONE;
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && isWholeNumber(scalar.value())) {
            // "retry: 3" is short for "retry: {attempts: 3}".
            return new RetryPolicy(attempts(scalar, problems), Duration.ofSeconds(1), 1, Optional.empty());
        }
        Optional<YamlNode.Mapping> mapping = problems.mapping(entry.value(), "retry", "attempts: 3, delay: 10s, "
                + "backoff: 2");
        if (mapping.isEmpty()) {
            return RetryPolicy.NONE;
        }
        Map<String, YamlNode.Entry> fields = mapping.get().entries();
        problems.checkKeys(mapping.get(), RETRY_FIELDS, " in retry");
        int attempts = 1;
        if (fields.get("attempts") == null) {
            problems.add(entry.keyPosition(), "retry needs attempts: how many times to run the step at most, like "
                    + "attempts: 3");
        } else if (fields.get("attempts").value() instanceof YamlNode.Scalar scalar && isWholeNumber(scalar.value())) {
            attempts = attempts(scalar, problems);
        } else {
            problems.add(fields.get("attempts").value().position(), "retry.attempts must be a whole number from 1 to "
                    + MAX_ATTEMPTS + ", found " + fields.get("attempts").value().describe());
        }
        Duration delay = delay(fields.get("delay"), problems);
        double backoff = backoff(fields.get("backoff"), problems);
        Optional<Condition> retryOn = condition(fields.get("retryOn"), "retry.retryOn", ownResult, problems);
        return new RetryPolicy(Math.max(1, attempts), delay, backoff, retryOn);
    }

    private static int attempts(YamlNode.Scalar scalar, ProblemList problems) {
        long value = ((Number) scalar.value()).longValue();
        if (value < 1 || value > MAX_ATTEMPTS) {
            problems.add(scalar.position(), "retry.attempts must be from 1 to " + MAX_ATTEMPTS + " (it counts the "
                    + "first try), found " + value);
            return 1;
        }
        return (int) value;
    }

    private static Duration delay(YamlNode.Entry entry, ProblemList problems) {
        if (entry == null) {
            return Duration.ofSeconds(1);
        }
        String text = entry.value() instanceof YamlNode.Scalar scalar && scalar.value() != null
                ? scalar.value().toString() : "";
        try {
            Duration delay = Durations.parse(text);
            if (delay.isNegative() || delay.compareTo(RetryPolicy.MAX_DELAY) > 0) {
                problems.add(entry.value().position(), "retry.delay must be from 0s to 10m, found " + text);
                return Duration.ofSeconds(1);
            }
            return delay;
        } catch (IllegalArgumentException e) {
            problems.add(entry.value().position(), "invalid retry.delay '" + text + "': write it like 500ms, 10s or 1m");
            return Duration.ofSeconds(1);
        }
    }

    private static double backoff(YamlNode.Entry entry, ProblemList problems) {
        if (entry == null) {
            return 1;
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number
                && number.doubleValue() >= 1 && number.doubleValue() <= MAX_BACKOFF) {
            return number.doubleValue();
        }
        problems.add(entry.value().position(), "retry.backoff must be a number from 1 (a fixed delay) to "
                + (int) MAX_BACKOFF + " (2 doubles the delay after each attempt), found " + entry.value().describe());
        return 1;
    }

    static boolean flag(YamlNode.Entry entry, String label, ProblemList problems) {
        if (entry == null) {
            return false;
        }
        if (entry.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Boolean bool) {
            return bool;
        }
        problems.add(entry.value().position(), label + " must be true or false, found " + entry.value().describe());
        return false;
    }

    /** {@code outputs:} names to templates over the step's own result ({@code steps.<own id>}). */
    static Map<String, Template> outputs(YamlNode.Entry entry, Declarations ownResult, ProblemList problems) {
        Map<String, Template> outputs = new LinkedHashMap<>();
        if (entry == null) {
            return outputs;
        }
        Optional<YamlNode.Mapping> mapping = problems.mapping(entry.value(), "outputs", "freedKb: ${{ toInt(trim("
                + "steps.clean.stdout)) }}");
        for (YamlNode.Entry output : mapping.map(m -> m.entries().values()).orElse(List.of())) {
            if (!StepParser.IDENTIFIER.matcher(output.key()).matches()) {
                problems.add(output.keyPosition(), "invalid output name '" + output.key() + "': use letters, digits "
                        + "and _, starting with a letter, so that expressions can read it as outputs." + output.key()
                        .replaceAll("[^A-Za-z0-9_]", "_"));
                continue;
            }
            if (!(output.value() instanceof YamlNode.Scalar scalar) || scalar.value() == null) {
                problems.add(output.value().position(), "output '" + output.key() + "' must be a value or an "
                        + "expression like ${{ trim(steps.<id>.stdout) }}, found " + output.value().describe());
                continue;
            }
            String text = scalar.value().toString();
            try {
                outputs.put(output.key(), Template.compile(text, ownResult));
            } catch (TemplateSyntaxException e) {
                problems.add(scalar.isText() ? scalar.positionAt(e.offset()) : scalar.position(), e.getMessage());
            }
        }
        return outputs;
    }

    private static boolean isWholeNumber(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }
}
