package dev.quench.core.runbook;

import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.RenderMode;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.expr.ValueTemplate;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks and compiles a step's {@code forEach} and {@code concurrency}. The list is either written
 * in YAML (its items may hold {@code ${{ }}}) or one expression giving a list. Stateless.
 */
final class ForEachParser {

    private ForEachParser() {
    }

    /**
     * The step's forEach, if it has one and it is valid.
     *
     * @param declarations what the list may refer to: earlier steps and params, not {@code item}
     */
    static Optional<ForEach> parse(YamlNode.Entry forEach, YamlNode.Entry concurrency, String where,
                                   Declarations declarations, ProblemList problems) {
        if (forEach == null) {
            if (concurrency != null) {
                problems.add(concurrency.keyPosition(), "concurrency" + where + " only applies to a step with forEach "
                        + "(how many items run at once): add forEach: or remove it");
            }
            return Optional.empty();
        }
        int limit = concurrency(concurrency, where, problems);
        Optional<ValueTemplate> items = items(forEach.value(), where, declarations, problems);
        return items.map(list -> new ForEach(list, limit));
    }

    private static Optional<ValueTemplate> items(YamlNode node, String where, Declarations declarations,
                                                 ProblemList problems) {
        String expected = "forEach" + where + " must be a YAML list or one ${{ }} expression giving a list, like "
                + "forEach: ${{ params.hosts }}";
        if (node instanceof YamlNode.Sequence sequence) {
            if (sequence.items().isEmpty()) {
                problems.add(node.position(), "forEach" + where + " is an empty list, so the step would never run: "
                        + "list the items or remove the step");
                return Optional.empty();
            }
            if (sequence.items().size() > ForEach.MAX_ITEMS) {
                problems.add(node.position(), "forEach" + where + " has " + sequence.items().size() + " items; at most "
                        + ForEach.MAX_ITEMS + " are allowed: split the work across runs");
                return Optional.empty();
            }
            List<ValueTemplate> items = new ArrayList<>();
            for (YamlNode item : sequence.items()) {
                items.add(StepParser.compile(item, declarations, RenderMode.PLAIN, problems));
            }
            return Optional.of(new ValueTemplate.ListValue(items));
        }
        if (!(node instanceof YamlNode.Scalar scalar) || !scalar.isText()) {
            problems.add(node.position(), expected + ", found " + node.describe());
            return Optional.empty();
        }
        String text = (String) scalar.value();
        try {
            Template template = Template.compile(text, declarations);
            if (!template.isSingleExpression()) {
                problems.add(scalar.position(), expected + ", found the text '" + text + "'");
                return Optional.empty();
            }
            return Optional.of(new ValueTemplate.TextValue(template));
        } catch (TemplateSyntaxException e) {
            problems.add(scalar.positionAt(e.offset()), e.getMessage());
            return Optional.empty();
        }
    }

    private static int concurrency(YamlNode.Entry entry, String where, ProblemList problems) {
        if (entry == null) {
            return 1;
        }
        if (entry.value() instanceof YamlNode.Scalar scalar
                && (scalar.value() instanceof Integer || scalar.value() instanceof Long || scalar.value() instanceof BigInteger)
                && ((Number) scalar.value()).longValue() >= 1 && ((Number) scalar.value()).longValue() <= ForEach.MAX_CONCURRENCY) {
            return ((Number) scalar.value()).intValue();
        }
        problems.add(entry.value().position(), "concurrency" + where + " must be a whole number from 1 (one item after "
                + "another, the default) to " + ForEach.MAX_CONCURRENCY + ", found " + entry.value().describe());
        return 1;
    }
}
