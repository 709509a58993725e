package dev.quench.core.server;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a loaded runbook is shown by the API. */
final class RunbookViews {

    private RunbookViews() {
    }

    /**
     * The breaker, error budget and lock key as declared (the breaker's state now: GET
     * /api/v1/runbooks/{name}/breaker; held locks: GET /api/v1/locks).
     */
    private static Map<String, Object> guards(Runbook runbook) {
        Map<String, Object> guards = new LinkedHashMap<>();
        runbook.guards().breaker().ifPresent(breaker -> guards.put("breaker", Map.of(
                "failures", breaker.failures(), "within", dev.quench.core.util.Durations.format(breaker.within()),
                "coolOff", dev.quench.core.util.Durations.format(breaker.coolOff()),
                "state", "/api/v1/runbooks/" + runbook.name() + "/breaker")));
        runbook.guards().errorBudget().ifPresent(budget -> guards.put("errorBudget", Map.of(
                "query", budget.query().source(), budget.above() ? "above" : "below", budget.threshold(),
                "then", budget.then().wireName())));
        switch (runbook.guards().lockKey()) {
            case dev.quench.core.runbook.LockKeySpec.None none -> guards.put("lockKey", "none");
            case dev.quench.core.runbook.LockKeySpec.Expression expression ->
                    guards.put("lockKey", expression.template().source());
            case dev.quench.core.runbook.LockKeySpec.TargetHost host -> {
                // The default: shown only by its effect (GET /api/v1/locks).
            }
        }
        return guards;
    }

    static Map<String, Object> summary(Runbook runbook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", runbook.name());
        view.put("description", runbook.description());
        view.put("owner", runbook.owner());
        view.put("manualMinutes", runbook.manualMinutes());
        view.put("source", runbook.source().toString());
        runbook.alertTrigger().ifPresent(trigger -> view.put("alertTrigger", Map.of(
                "matchers", trigger.matchers().stream().map(Object::toString).toList(),
                "status", trigger.status().name().toLowerCase(java.util.Locale.ROOT))));
        List<Map<String, String>> steps = runbook.steps().stream()
                .map((StepSpec step) -> Map.of("id", step.id(), "uses", step.uses())).toList();
        view.put("steps", steps);
        view.put("verify", runbook.verify().stream()
                .map((StepSpec step) -> Map.of("id", step.id(), "uses", step.uses())).toList());
        Map<String, Object> guards = guards(runbook);
        if (!guards.isEmpty()) {
            view.put("guards", guards);
        }
        return view;
    }
}
