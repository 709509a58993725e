package dev.quench.core.cli.print;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** Prints runs for people: a table of runs, or one run with every step it ran. */
public final class RunPrinter {

    /** Statuses whose reason belongs in the table: why a run did not start. */
    private static final java.util.Set<dev.quench.core.store.RunStatus> GUARD_STATUSES = java.util.EnumSet.of(
            dev.quench.core.store.RunStatus.REFUSED, dev.quench.core.store.RunStatus.AWAITING_APPROVAL,
            dev.quench.core.store.RunStatus.REJECTED, dev.quench.core.store.RunStatus.INTERRUPTED);

    private RunPrinter() {
    }

    public static void table(List<RunRecord> runs, PrintStream out) {
        if (runs.isEmpty()) {
            out.println("no runs");
            return;
        }
        out.printf("%-36s  %-10s  %-28s  %-8s  %-24s  %s%n", "ID", "STATUS", "RUNBOOK", "SAVED", "CREATED", "TRIGGER");
        for (RunRecord run : runs) {
            out.printf("%-36s  %-10s  %-28s  %-8s  %-24s  %s%n", escape(run.id()), run.status().wireName(),
                    escape(run.runbook()), run.toilSavedMinutes() + "m", run.createdAt(),
                    run.triggerType().wireName() + ": " + escape(run.triggerDetail())
                            + (GUARD_STATUSES.contains(run.status()) ? " — " + escape(run.message()) : ""));
        }
    }

    public static void detail(RunRecord run, PrintStream out) {
        out.printf("run %s: %s%n", escape(run.id()), run.status().wireName().toUpperCase(java.util.Locale.ROOT));
        out.printf("  runbook:  %s (owner %s)%n", escape(run.runbook()), escape(run.owner()));
        out.printf("  trigger:  %s %s%n", run.triggerType().wireName(), escape(run.triggerDetail()));
        out.printf("  params:   %s%n", escape(run.params()));
        out.printf("  created:  %s   started: %s   finished: %s%n", run.createdAt(), run.startedAt(), run.finishedAt());
        out.printf("  toil saved: %d min%n", run.toilSavedMinutes());
        if (!run.message().isEmpty()) {
            out.printf("  message:  %s%n", escape(run.message()));
        }
        for (StepRecord step : run.steps()) {
            Long millis = step.durationMillis();
            out.printf("  %s %d %s (%s): %s%s%s%n", step.isVerify() ? "verify" : "step", step.seq(),
                    escape(step.stepId()), escape(step.uses()),
                    escape(step.status()),
                    step.exitCode() == null ? "" : ", exit " + step.exitCode(),
                    millis == null ? "" : ", " + Duration.ofMillis(millis).toMillis() + " ms");
            step.rendered().forEach((name, value) -> out.printf("      %s: %s%n", escape(name), escape(value)));
            step.outputs().forEach((name, value) -> out.printf("      output %s: %s%n", escape(name), escape(value)));
            indent("stdout", step.stdout(), out);
            indent("stderr", step.stderr(), out);
            if (!step.message().isEmpty()) {
                out.printf("      %s %s%n", step.isVerify() && "succeeded".equals(step.status()) ? "->" : "!",
                        escape(step.message()));
            }
        }
    }

    private static void indent(String label, String text, PrintStream out) {
        if (text == null || text.isBlank()) {
            return;
        }
        out.printf("      %s:%n", label);
        text.lines().limit(40).forEach(line -> out.println("        | " + escape(line)));
    }
}
