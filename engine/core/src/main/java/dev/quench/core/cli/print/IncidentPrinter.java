package dev.quench.core.cli.print;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.incident.RunbookTimes;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.store.StoredAlert;
import java.io.PrintStream;
import java.util.List;

/** Prints incidents for people: a table with MTTA and MTTR, or one incident with its alerts and runs. */
public final class IncidentPrinter {

    private IncidentPrinter() {
    }

    public static void table(List<IncidentRecord> incidents, PrintStream out) {
        if (incidents.isEmpty()) {
            out.println("no incidents");
            return;
        }
        out.printf("%-36s  %-8s  %-20s  %6s  %4s  %7s  %7s  %s%n", "ID", "STATUS", "OPENED", "ALERTS", "RUNS", "MTTA",
                "MTTR", "TITLE");
        for (IncidentRecord incident : incidents) {
            out.printf("%-36s  %-8s  %-20s  %6d  %4d  %7s  %7s  %s%n", escape(incident.id()), incident.status(),
                    incident.openedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), incident.alerts(),
                    incident.runs(), seconds(incident.mttaSeconds()), seconds(incident.mttrSeconds()),
                    escape(incident.title()));
        }
    }

    /** MTTA and MTTR per runbook. */
    public static void times(List<RunbookTimes> times, PrintStream out) {
        if (times.isEmpty()) {
            return;
        }
        out.println();
        out.printf("%-28s  %9s  %8s  %7s  %7s%n", "RUNBOOK", "INCIDENTS", "RESOLVED", "MTTA", "MTTR");
        for (RunbookTimes time : times) {
            out.printf("%-28s  %9d  %8d  %7s  %7s%n", escape(time.runbook()), time.incidents(), time.resolved(),
                    seconds(time.mttaSeconds()), seconds(time.mttrSeconds()));
        }
    }

    public static void detail(IncidentDetail detail, PrintStream out) {
        IncidentRecord incident = detail.incident();
        out.printf("incident %s: %s%n", escape(incident.id()), incident.status().toUpperCase(java.util.Locale.ROOT));
        out.printf("  title:    %s%n", escape(incident.title()));
        out.printf("  group:    %s (owner %s)%n", escape(incident.groupKey()), escape(incident.owner()));
        out.printf("  opened:   %s   resolved: %s%n", incident.openedAt(),
                incident.resolvedAt() == null ? "-" : incident.resolvedAt());
        out.printf("  MTTA:     %s   MTTR: %s%n", seconds(incident.mttaSeconds()), seconds(incident.mttrSeconds()));
        out.println("  alerts:");
        for (StoredAlert alert : detail.alerts()) {
            out.printf("    %s  %-8s  %s %s%n", alert.receivedAt(), alert.alert().status().wireName(),
                    escape(alert.alert().name()), escape(alert.alert().labels()));
        }
        out.println("  runs:");
        for (IncidentDetail.IncidentRun run : detail.runs()) {
            out.printf("    %s  %-10s  %s  saved %d min%s%n", escape(run.run().id()), run.run().status().wireName(),
                    escape(run.run().runbook()), run.run().toilSavedMinutes(),
                    run.run().message().isEmpty() ? "" : " — " + escape(run.run().message()));
            for (GuardRepository.Decision decision : run.decisions()) {
                out.printf("      %s %s by %s%s%n", decision.decidedAt(), escape(decision.action()),
                        escape(decision.actor()), decision.reason().isEmpty() ? "" : ": " + escape(decision.reason()));
            }
        }
    }

    private static String seconds(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        return seconds >= 3600 ? seconds / 3600 + "h" + (seconds % 3600 / 60) + "m"
                : seconds >= 60 ? seconds / 60 + "m" + (seconds % 60) + "s" : seconds + "s";
    }
}
