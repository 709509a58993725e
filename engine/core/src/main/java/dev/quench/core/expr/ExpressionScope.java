package dev.quench.core.expr;

import dev.quench.api.StepResult;
import dev.quench.core.alert.Alert;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.jexl3.JexlContext;

/**
 * The values a template can read while a run renders it: {@code alert}, {@code params},
 * {@code steps.<id>}, {@code run} and {@code env}. Immutable and thread-safe; build a new one
 * after each step (it is cheap: step results are wrapped, not copied).
 *
 * <p>The alert appears as {@code alert.labels}, {@code alert.annotations}, {@code alert.status}
 * ({@code firing} / {@code resolved}), {@code alert.fingerprint}, {@code alert.startsAt} and
 * {@code alert.endsAt} (ISO-8601 text, null when unknown), {@code alert.source},
 * {@code alert.name}, {@code alert.generatorUrl} and {@code alert.groupKey} (the Alertmanager notification's
 * group, empty from other senders). A run without an alert (manual or scheduled)
 * sees an alert with no labels and empty fields, so templates render empty values rather than fail.
 */
public final class ExpressionScope {

    private final Map<String, Object> variables;

    private ExpressionScope(Map<String, Object> variables) {
        this.variables = variables;
    }

    /**
     * A scope.
     *
     * @param alert  the alert that started the run, or null for a manual or scheduled run
     * @param params the resolved params of the run
     * @param steps  the results of the steps that have run, by step id
     * @param run    facts about the run ({@code id}, {@code runbook}, ...)
     * @param env    the environment variables expressions may read
     */
    public static ExpressionScope of(Alert alert, Map<String, Object> params, Map<String, StepResult> steps,
                                     Map<String, Object> run, Map<String, String> env) {
        return of(alert, params, steps, Map.of(), run, env);
    }

    /**
     * A scope where some steps ran once per item ({@code forEach}).
     *
     * @param items the iterations of the forEach steps that have run, by step id
     */
    public static ExpressionScope of(Alert alert, Map<String, Object> params, Map<String, StepResult> steps,
                                     Map<String, List<ItemResult>> items, Map<String, Object> run,
                                     Map<String, String> env) {
        return of(alert, params, steps, items, run, env, Map.of());
    }

    /**
     * A scope with the secrets a run may read.
     *
     * @param secrets the configured secrets, by name ({@code secrets.<name>})
     */
    public static ExpressionScope of(Alert alert, Map<String, Object> params, Map<String, StepResult> steps,
                                     Map<String, List<ItemResult>> items, Map<String, Object> run,
                                     Map<String, String> env, Map<String, String> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(env, "env");
        Map<String, Object> stepViews = new LinkedHashMap<>();
        steps.forEach((id, result) -> stepViews.put(id, items.containsKey(id)
                ? StepResultView.ofForEach(result, items.get(id)) : new StepResultView(result)));
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("alert", alertView(alert));
        variables.put("params", ReadOnly.copyMap(params));
        variables.put("steps", Collections.unmodifiableMap(stepViews));
        variables.put("run", ReadOnly.copyMap(run));
        variables.put("env", NamedValues.environment(env));
        variables.put("secrets", NamedValues.secrets(secrets));
        return new ExpressionScope(Collections.unmodifiableMap(variables));
    }

    /** A scope with no alert, params, steps, run facts or environment. */
    public static ExpressionScope empty() {
        return of(null, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** This scope with one more step result, for the step that comes next. */
    public ExpressionScope withStep(String stepId, StepResult result) {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(result, "result");
        Map<String, Object> variables = new LinkedHashMap<>(this.variables);
        @SuppressWarnings("unchecked")
        Map<String, Object> steps = new LinkedHashMap<>((Map<String, Object>) variables.get("steps"));
        steps.put(stepId, new StepResultView(result));
        variables.put("steps", Collections.unmodifiableMap(steps));
        return new ExpressionScope(Collections.unmodifiableMap(variables));
    }

    /** This scope inside one iteration of a {@code forEach} step: {@code item} and {@code itemIndex} are set. */
    public ExpressionScope withItem(Object item, int index) {
        Map<String, Object> variables = new LinkedHashMap<>(this.variables);
        variables.put("item", ReadOnly.copy(item));
        variables.put("itemIndex", index);
        return new ExpressionScope(Collections.unmodifiableMap(variables));
    }

    /** One top-level variable ({@code alert}, {@code params}, {@code steps}, {@code run}, {@code env}), read-only. */
    public Object variable(String name) {
        return variables.get(name);
    }

    JexlContext context() {
        return new ReadOnlyContext(variables);
    }

    private static Map<String, Object> alertView(Alert alert) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("labels", alert == null ? Map.of() : alert.labels());
        view.put("annotations", alert == null ? Map.of() : alert.annotations());
        view.put("status", alert == null ? "" : alert.status().wireName());
        view.put("fingerprint", alert == null ? "" : alert.fingerprint());
        view.put("startsAt", alert == null ? null : iso(alert.startsAt()));
        view.put("endsAt", alert == null ? null : iso(alert.endsAt()));
        view.put("source", alert == null ? "" : alert.source());
        view.put("name", alert == null ? "" : alert.name());
        view.put("generatorUrl", alert == null ? "" : alert.generatorUrl());
        // Alertmanager's notification group (empty from other senders): one key for a whole incident.
        view.put("groupKey", alert == null ? "" : alert.groupKey());
        return Collections.unmodifiableMap(view);
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** JEXL's view of the variables; writes are impossible (and disabled in the grammar too). */
    private record ReadOnlyContext(Map<String, Object> variables) implements JexlContext {

        @Override
        public Object get(String name) {
            return variables.get(name);
        }

        @Override
        public void set(String name, Object value) {
            throw new UnsupportedOperationException("expressions cannot assign variables");
        }

        @Override
        public boolean has(String name) {
            return variables.containsKey(name);
        }
    }
}
