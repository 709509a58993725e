package dev.quench.core.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dry run's plan as the console shows it: read from the map the API answers for a dry run
 * ({@code DryRunPlan}), so the page and {@code POST /api/v1/runs {"dryRun": true}} show the same plan.
 *
 * @param runbook     the runbook planned
 * @param source      its file
 * @param alertLabels the labels of the alert it was planned against (empty without one)
 * @param params      the params it was planned with, as text
 * @param steps       every step (and forEach item) with its rendered inputs
 * @param ifAStepFails the onFailure steps that would run after a failure ({@code id (uses)})
 * @param status      how the plan ended ({@code succeeded} when every step could be rendered)
 * @param message     why the plan failed, if it did; else empty
 */
public record PlanView(String runbook, String source, Map<String, String> alertLabels, Map<String, String> params,
                       List<Step> steps, List<String> ifAStepFails, String status, String message) {

    /**
     * One planned step.
     *
     * @param seq       its place in the run
     * @param id        the step id ({@code clean[2]} for a forEach item)
     * @param uses      its step type
     * @param section   {@code steps}, {@code onFailure} or {@code finally}
     * @param wouldSkip whether its {@code when} is false
     * @param inputs    its rendered inputs, as text, in order
     * @param message   what the planner said about it (why it would fail), may be empty
     */
    public record Step(int seq, String id, String uses, String section, boolean wouldSkip, Map<String, String> inputs,
                       String message) {
    }

    public PlanView {
        Objects.requireNonNull(runbook, "runbook");
        alertLabels = Map.copyOf(alertLabels);
        steps = List.copyOf(steps);
        ifAStepFails = List.copyOf(ifAStepFails);
        message = message == null ? "" : message;
    }

    /** Whether every step could be planned. */
    public boolean planned() {
        return "succeeded".equals(status);
    }

    /** The plan in {@code plan}, as {@code DryRunPlan.of} makes it. */
    public static PlanView from(Map<String, Object> plan) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (plan.get("alert") instanceof Map<?, ?> alert && alert.get("labels") instanceof Map<?, ?> given) {
            given.forEach((name, value) -> labels.put(String.valueOf(name), String.valueOf(value)));
        }
        List<Step> steps = new ArrayList<>();
        if (plan.get("steps") instanceof List<?> planned) {
            for (Object item : planned) {
                if (item instanceof Map<?, ?> step) {
                    steps.add(new Step(step.get("seq") instanceof Number seq ? seq.intValue() : steps.size() + 1,
                            text(step.get("id")), text(step.get("uses")), text(step.get("section")),
                            Boolean.TRUE.equals(step.get("wouldSkip")), texts(step.get("rendered")),
                            text(step.get("message"))));
                }
            }
        }
        List<String> ifAStepFails = plan.get("ifAStepFails") instanceof List<?> failing
                ? failing.stream().map(PlanView::text).toList() : List.of();
        return new PlanView(text(plan.get("runbook")), text(plan.get("source")), labels, texts(plan.get("params")),
                steps, ifAStepFails, text(plan.get("status")), text(plan.get("message")));
    }

    /** A map's values as the text a page shows: strings as they are, the rest as JSON-like text. */
    static Map<String, String> texts(Object value) {
        Map<String, String> shown = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((name, item) -> shown.put(String.valueOf(name), ValueText.of(item)));
        }
        return java.util.Collections.unmodifiableMap(shown);
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
