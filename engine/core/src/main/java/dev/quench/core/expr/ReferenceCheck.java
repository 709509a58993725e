package dev.quench.core.expr;

import dev.quench.core.expr.ExpressionTokens.Token;
import dev.quench.core.util.DidYouMean;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.jexl3.JexlScript;

/**
 * Load-time checks of what an expression refers to: top-level variables, functions, alert and
 * step fields, and (when the runbook declares them) params and earlier steps. Each failure names
 * the offending word and its offset, with a did-you-mean.
 */
final class ReferenceCheck {

    private ReferenceCheck() {
    }

    static void check(String expression, JexlScript script, Declarations declarations) {
        List<Token> tokens = ExpressionTokens.tokenize(expression);
        checkFunctions(tokens);
        // Sorted by position so the first problem reported is the leftmost one.
        List<List<String>> paths = script.getVariables().stream()
                .sorted((a, b) -> Integer.compare(rootOffset(tokens, a), rootOffset(tokens, b)))
                .toList();
        for (List<String> path : paths) {
            checkPath(tokens, path, declarations);
        }
    }

    private static void checkFunctions(List<Token> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == ExpressionTokens.Kind.IDENTIFIER && ExpressionTokens.beforeParenthesis(tokens, i)
                    && !ExpressionTokens.afterDot(tokens, i) && !ExpressionLanguage.isKeyword(token.text())
                    && !ExpressionLanguage.FUNCTIONS.contains(token.text())) {
                throw new TemplateSyntaxException("unknown function '" + token.text() + "'"
                        + DidYouMean.hint(token.text(), ExpressionLanguage.FUNCTIONS)
                        + " (functions: " + String.join(", ", new TreeSet<>(ExpressionLanguage.FUNCTIONS)) + ")",
                        token.offset());
            }
        }
    }

    private static void checkPath(List<Token> tokens, List<String> path, Declarations declarations) {
        String root = path.getFirst();
        if (!ExpressionLanguage.VARIABLES.contains(root)) {
            throw new TemplateSyntaxException("unknown variable '" + root + "'"
                    + DidYouMean.hint(root, ExpressionLanguage.VARIABLES)
                    + " (expressions can read alert, params, steps, run, env and secrets; item and itemIndex in a forEach step)", rootOffset(tokens, path));
        }
        if (ExpressionLanguage.ITEM_VARIABLES.contains(root) && !declarations.forEachItem()) {
            throw new TemplateSyntaxException("'" + root + "' is only defined in a step with forEach (in its with:, "
                    + "outputs: and retry.retryOn; not in forEach: or when:, which are evaluated once for the step)",
                    rootOffset(tokens, path));
        }
        if (path.size() < 2) {
            return;
        }
        String name = path.get(1);
        switch (root) {
            case "alert" -> {
                if (!ExpressionLanguage.ALERT_FIELDS.contains(name)) {
                    throw new TemplateSyntaxException("unknown alert field '" + name + "'"
                            + DidYouMean.hint(name, ExpressionLanguage.ALERT_FIELDS)
                            + " (alert has " + sorted(ExpressionLanguage.ALERT_FIELDS) + ")", offset(tokens, path, 1));
                }
            }
            case "params" -> {
                if (declarations.checked() && !declarations.params().contains(name)) {
                    String declared = declarations.params().isEmpty() ? "this runbook declares no params"
                            : "declared params: " + sorted(declarations.params());
                    throw new TemplateSyntaxException("unknown param '" + name + "'"
                            + DidYouMean.hint(name, declarations.params()) + " (" + declared + ")", offset(tokens, path, 1));
                }
            }
            case "steps" -> checkStep(tokens, path, declarations);
            default -> {
                // run, env and secrets are open maps: what they hold depends on the run and the site config.
            }
        }
    }

    private static void checkStep(List<Token> tokens, List<String> path, Declarations declarations) {
        String id = path.get(1);
        if (declarations.checked() && !declarations.earlierSteps().contains(id)) {
            if (declarations.allSteps().contains(id)) {
                throw new TemplateSyntaxException("step '" + id + "' does not run before this step: an expression can "
                        + "only read the steps that ran earlier", offset(tokens, path, 1));
            }
            String earlier = declarations.earlierSteps().isEmpty() ? "no step runs before this one"
                    : "earlier steps: " + String.join(", ", declarations.earlierSteps());
            throw new TemplateSyntaxException(TemplateSyntaxException.Kind.UNKNOWN_STEP, "unknown step '" + id + "'"
                    + DidYouMean.hint(id, declarations.earlierSteps()) + " (" + earlier + ")", offset(tokens, path, 1),
                    null);
        }
        if (path.size() > 2 && !ExpressionLanguage.STEP_FIELDS.contains(path.get(2))) {
            String field = path.get(2);
            throw new TemplateSyntaxException("unknown step field '" + field + "'"
                    + DidYouMean.hint(field, ExpressionLanguage.STEP_FIELDS)
                    + " (a step has " + sorted(ExpressionLanguage.STEP_FIELDS) + ")", offset(tokens, path, 2));
        }
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", new TreeSet<>(names));
    }

    private static int rootIndex(List<Token> tokens, List<String> path) {
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() == ExpressionTokens.Kind.IDENTIFIER && token.text().equals(path.getFirst())
                    && !ExpressionTokens.afterDot(tokens, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int rootOffset(List<Token> tokens, List<String> path) {
        int index = rootIndex(tokens, path);
        return index < 0 ? 0 : tokens.get(index).offset();
    }

    /** The offset of path element {@code depth} when written as a.b.c, else of the root. */
    private static int offset(List<Token> tokens, List<String> path, int depth) {
        int root = rootIndex(tokens, path);
        if (root < 0) {
            return 0;
        }
        int index = root + 2 * depth;
        if (index < tokens.size() && tokens.get(index - 1).is(".") && tokens.get(index).text().equals(path.get(depth))) {
            return tokens.get(index).offset();
        }
        // Written as a['b']: point at the string.
        if (index < tokens.size() && tokens.get(index - 1).is("[")
                && tokens.get(index).kind() == ExpressionTokens.Kind.STRING) {
            return tokens.get(index).offset();
        }
        return tokens.get(root).offset();
    }
}
