package dev.quench.core.runbook;

import dev.quench.core.expr.Declarations;
import dev.quench.core.expr.Template;
import dev.quench.core.expr.TemplateSyntaxException;
import dev.quench.core.util.DidYouMean;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code guards.errorBudget: {query: ..., above: 14.4, then: requireApproval}} into an
 * {@link ErrorBudgetSpec}, and checks the same fields given as a map by the Groovy DSL. Thread-safe (stateless).
 */
public final class ErrorBudgetParser {

    /** The fields of {@code guards.errorBudget}. */
    public static final Set<String> FIELDS = new LinkedHashSet<>(List.of("query", "above", "below", "then"));
    /** The values of {@code then}. */
    public static final List<String> ACTIONS = List.of("requireApproval", "skip");
    static final String EXAMPLE = "{query: 'slo:burn_rate1h{service=\"web\"}', above: 14.4, then: requireApproval}";

    private ErrorBudgetParser() {
    }

    /** The error budget of the {@code errorBudget} entry of {@code guards:}, or empty (then with problems). */
    static Optional<ErrorBudgetSpec> parse(YamlNode.Entry entry, List<ParamSpec> params, ProblemList problems) {
        Optional<YamlNode.Mapping> fields = problems.mapping(entry.value(), "guards.errorBudget", EXAMPLE);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        problems.checkKeys(fields.get(), FIELDS, " in guards.errorBudget");
        Map<String, YamlNode.Entry> entries = fields.get().entries();
        int problemsBefore = problems.sorted().size();
        Template query = null;
        YamlNode.Entry queryEntry = entries.get("query");
        if (queryEntry == null) {
            problems.add(entry.value().position(), "guards.errorBudget needs query (a burn rate or the budget left, in "
                    + "PromQL), like " + EXAMPLE);
        } else if (!(queryEntry.value() instanceof YamlNode.Scalar scalar) || !scalar.isText()
                || ((String) scalar.value()).isBlank()) {
            problems.add(queryEntry.value().position(), "guards.errorBudget.query must be a PromQL expression as text, "
                    + "found " + queryEntry.value().describe());
        } else {
            Set<String> paramNames = new LinkedHashSet<>(params.stream().map(ParamSpec::name).toList());
            try {
                query = Template.compile((String) scalar.value(), Declarations.of(paramNames, List.of(), Set.of()));
            } catch (TemplateSyntaxException e) {
                problems.add(scalar.positionAt(e.offset()), e.kind() == TemplateSyntaxException.Kind.UNKNOWN_STEP
                        ? e.getMessage() + ": guards.errorBudget is read before any step runs; use alert or params"
                        : e.getMessage());
            }
        }
        YamlNode.Entry above = entries.get("above");
        YamlNode.Entry below = entries.get("below");
        Double threshold = null;
        if (above != null && below != null) {
            problems.add(below.value().position(), "guards.errorBudget takes above or below, not both: above holds runs "
                    + "back while a burn rate is too high, below while the budget left is too low");
        } else if (above == null && below == null) {
            problems.add(entry.value().position(), "guards.errorBudget needs above: N (a burn rate) or below: N (the "
                    + "budget left), like " + EXAMPLE);
        } else {
            YamlNode.Entry given = above != null ? above : below;
            if (given.value() instanceof YamlNode.Scalar scalar && scalar.value() instanceof Number number
                    && Double.isFinite(number.doubleValue())) {
                threshold = number.doubleValue();
            } else {
                problems.add(given.value().position(), "guards.errorBudget." + given.key() + " must be a number, like "
                        + "14.4 or 0.1, found " + given.value().describe());
            }
        }
        ErrorBudgetSpec.Action then = ErrorBudgetSpec.Action.REQUIRE_APPROVAL;
        YamlNode.Entry thenEntry = entries.get("then");
        if (thenEntry == null) {
            problems.add(entry.value().position(), "guards.errorBudget needs then: requireApproval (the run waits for a "
                    + "person) or then: skip (the run is refused)");
        } else {
            String text = thenEntry.value() instanceof YamlNode.Scalar scalar && scalar.isText()
                    ? ((String) scalar.value()).strip() : thenEntry.value().describe();
            Optional<ErrorBudgetSpec.Action> action = action(text);
            if (action.isEmpty()) {
                problems.add(thenEntry.value().position(), "unknown guards.errorBudget.then '" + text + "'"
                        + DidYouMean.hint(text, ACTIONS) + " (requireApproval: the run waits for a person; skip: "
                        + "the run is refused)");
            } else {
                then = action.get();
            }
        }
        if (problems.sorted().size() > problemsBefore || query == null || threshold == null) {
            return Optional.empty();
        }
        return Optional.of(new ErrorBudgetSpec(query, above != null, threshold, then));
    }

    /**
     * Reports a problem at {@code guards.errorBudget} of {@code runbook} when the step type that reads it is not
     * among {@code types} (the prometheus plugin is not installed).
     */
    static void requireStepType(YamlNode.Mapping runbook, Set<String> types, ProblemList problems) {
        if (types.contains(ErrorBudgetSpec.STEP_TYPE)
                || !(runbook.entries().get("guards") instanceof YamlNode.Entry guards)
                || !(guards.value() instanceof YamlNode.Mapping fields)
                || !(fields.entries().get("errorBudget") instanceof YamlNode.Entry budget)) {
            return;
        }
        problems.add(budget.value().position(), missingStepType());
    }

    /** Why a runbook with an error budget cannot load without the step type. */
    public static String missingStepType() {
        return "guards.errorBudget is read with the step type '" + ErrorBudgetSpec.STEP_TYPE + "', which is not "
                + "installed: add the prometheus plugin (plugins/prometheus) and set prometheus.url in quench.yaml, "
                + "or remove errorBudget";
    }

    /**
     * The error budget given as a map (the Groovy DSL: {@code guards errorBudget: [query: '...', above: 14.4,
     * then: 'requireApproval']}).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static ErrorBudgetSpec fromMap(Map<?, ?> options) {
        for (Object field : options.keySet()) {
            if (!FIELDS.contains(String.valueOf(field))) {
                throw new IllegalArgumentException("unknown field '" + field + "' in guards errorBudget"
                        + DidYouMean.hint(String.valueOf(field), FIELDS) + " (" + EXAMPLE + ")");
            }
        }
        if (options.get("query") == null || options.get("query").toString().isBlank()) {
            throw new IllegalArgumentException("guards errorBudget needs query, like " + EXAMPLE);
        }
        Object above = options.get("above");
        Object below = options.get("below");
        if ((above == null) == (below == null)) {
            throw new IllegalArgumentException("guards errorBudget takes exactly one of above: N or below: N");
        }
        Object threshold = above != null ? above : below;
        if (!(threshold instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw new IllegalArgumentException("guards errorBudget " + (above != null ? "above" : "below")
                    + " must be a number, found " + threshold);
        }
        String text = String.valueOf(options.get("then"));
        ErrorBudgetSpec.Action then = action(text).orElseThrow(() -> new IllegalArgumentException(
                "guards errorBudget then must be requireApproval or skip, found '" + text + "'"
                        + DidYouMean.hint(text, ACTIONS)));
        return new ErrorBudgetSpec(Template.compile(options.get("query").toString()), above != null,
                number.doubleValue(), then);
    }

    private static Optional<ErrorBudgetSpec.Action> action(String text) {
        for (ErrorBudgetSpec.Action action : ErrorBudgetSpec.Action.values()) {
            if (action.wireName().equals(text)) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
