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
        return view;
    }
}
