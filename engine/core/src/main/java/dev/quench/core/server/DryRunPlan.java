package dev.quench.core.server;

import dev.quench.core.alert.Alert;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code POST /api/v1/runs {"dryRun": true}}: the plan that {@code quench run
 * --dry-run} prints, as JSON. Every step (and every forEach item) with its rendered inputs, which
 * steps a {@code when} would skip, the verify checks (section verify), and the onFailure steps that would run after
 * a failure.
 */
public final class DryRunPlan {

    private DryRunPlan() {
    }

    public static Map<String, Object> of(Runbook runbook, Alert alert, RunRecord run) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("dryRun", true);
        plan.put("note", "nothing was run, changed or recorded");
        plan.put("runbook", runbook.name());
        plan.put("source", runbook.source().toString());
        if (alert != null) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("status", alert.status().wireName());
            shown.put("name", alert.name());
            shown.put("labels", alert.labels());
            plan.put("alert", shown);
        }
        plan.put("params", run.params());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord step : run.steps()) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("seq", step.seq());
            shown.put("id", step.stepId());
            shown.put("uses", step.uses());
            shown.put("section", step.isVerify() ? "verify" : section(runbook, step.stepId()));
            shown.put("status", step.status());
            shown.put("wouldSkip", "skipped".equals(step.status()));
            shown.put("rendered", step.rendered());
            shown.put("message", step.message());
            steps.add(shown);
        }
        plan.put("steps", steps);
        plan.put("verify", runbook.verify().stream().map(step -> step.id() + " (" + step.uses() + ")").toList());
        plan.put("ifAStepFails", runbook.onFailure().stream().map(step -> step.id() + " (" + step.uses() + ")").toList());
        plan.put("status", run.status().wireName());
        plan.put("message", run.message());
        return plan;
    }

    /** steps, onFailure or finally; a forEach item ({@code clean[2]}) is in its step's section. */
    private static String section(Runbook runbook, String recordId) {
        int bracket = recordId.indexOf('[');
        String id = bracket > 0 ? recordId.substring(0, bracket) : recordId;
        StepSpec spec = runbook.step(id).orElse(null);
        if (spec == null || runbook.steps().contains(spec)) {
            return "steps";
        }
        return runbook.onFailure().contains(spec) ? "onFailure" : "finally";
    }
}
