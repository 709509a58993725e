package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.alert.Alert;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.StepSpec;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints the plan of a dry run: every step with its rendered inputs, or why it would be skipped. */
final class PlanPrinter {

    private PlanPrinter() {
    }

    static void print(Runbook runbook, Alert alert, RunRecord run, PrintStream out) {
        out.printf("plan for %s (dry run: nothing was run or changed)%n", escape(runbook.name()));
        out.printf("  source: %s%n", escape(runbook.source()));
        if (alert != null) {
            out.printf("  alert:  %s %s %s%n", alert.status().wireName(), escape(alert.name()), escape(alert.labels()));
        }
        out.printf("  params: %s%n", escape(run.params().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(", "))));
        for (StepRecord step : run.steps()) {
            StepSpec spec = runbook.step(step.stepId()).orElse(null);
            String section = step.isVerify() ? "verify "
                    : spec == null || runbook.steps().contains(spec) ? "" : sectionOf(runbook, spec) + " ";
            out.printf("  %d. %s%s (%s)%s%n", step.seq(), section, escape(step.stepId()), escape(step.uses()), details(step));
            step.rendered().forEach((name, value) -> out.printf("       %s: %s%n", escape(name), escape(text(value))));
            if (!step.message().isEmpty()) {
                out.printf("       %s %s%n", "skipped".equals(step.status()) ? "->" : "!", escape(step.message()));
            }
        }
        List<StepSpec> onFailure = runbook.onFailure();
        if (!onFailure.isEmpty() && run.steps().stream().noneMatch(step -> onFailure.stream()
                .anyMatch(spec -> spec.id().equals(step.stepId())))) {
            out.printf("  if a step fails: %s%n", escape(onFailure.stream().map(spec -> spec.id() + " (" + spec.uses() + ")")
                    .collect(Collectors.joining(", "))));
        }
        if (!runbook.verify().isEmpty() && run.steps().stream().noneMatch(StepRecord::isVerify)) {
            out.printf("  then verify (after the steps succeed): %s%n", escape(runbook.verify().stream()
                    .map(spec -> spec.id() + " (" + spec.uses() + ")").collect(Collectors.joining(", "))));
        }
        // The record says succeeded (nothing failed while planning); what the reader got is a plan.
        out.printf("result: %s%s%n", run.status() == RunStatus.SUCCEEDED ? "planned" : run.status().wireName(),
                run.message().isEmpty() ? "" : ": " + escape(run.message()));
    }

    private static String sectionOf(Runbook runbook, StepSpec spec) {
        return runbook.onFailure().contains(spec) ? "onFailure" : "finally";
    }

    private static String details(StepRecord step) {
        return "skipped".equals(step.status()) ? ": would be skipped" : "";
    }

    private static String text(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return Json.json().writeValueAsString(value);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return String.valueOf(value);
            }
        }
        return String.valueOf(value);
    }
}
