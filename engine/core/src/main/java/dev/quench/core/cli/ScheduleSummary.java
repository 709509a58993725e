package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.ScheduleSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code quench serve} says about schedules once the runbooks are loaded: which fire, and which
 * are written but switched off ({@code enabled: false}) with how to switch them on. A scheduled change
 * to a fleet must never start by surprise, so the operator sees both lists at every start.
 */
final class ScheduleSummary {

    private record Entry(Runbook runbook, ScheduleSpec spec) {
    }

    private ScheduleSummary() {
    }

    static void print(List<Runbook> runbooks, PrintStream out) {
        List<Entry> active = new ArrayList<>();
        List<Entry> disabled = new ArrayList<>();
        for (Runbook runbook : runbooks) {
            runbook.schedule().ifPresent(spec -> (spec.enabled() ? active : disabled).add(new Entry(runbook, spec)));
        }
        out.printf("  schedules: %d active, %d disabled%n", active.size(), disabled.size());
        active.sort(Comparator.comparing(entry -> entry.runbook().name()));
        disabled.sort(Comparator.comparing(entry -> entry.runbook().name()));
        active.forEach(entry -> out.printf("    active:   %-28s %s%n", escape(entry.runbook().name()),
                escape(entry.spec().describe())));
        disabled.forEach(entry -> out.printf("    disabled: %-28s %s  (%s)%n", escape(entry.runbook().name()),
                escape(entry.spec().describe()), escape(entry.runbook().source())));
        if (!disabled.isEmpty()) {
            out.println("    a disabled schedule fires once its runbook sets triggers.schedule.enabled: true "
                    + "(docs/schedules.md); 'quench run NAME' runs it by hand meanwhile");
        }
    }
}
