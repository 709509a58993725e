package dev.quench.core.cli.print;

import static dev.quench.core.util.TerminalText.escape;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.ledger.ToilShares;
import dev.quench.core.util.Json;
import java.io.PrintStream;

/** Prints the toil share per team and week, automation coverage and the automate-next ranking. */
public final class ToilSharePrinter {

    private ToilSharePrinter() {
    }

    public static void print(ToilShares shares, String format, PrintStream out) throws JsonProcessingException {
        if (format.equals("json")) {
            out.println(Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(shares));
            return;
        }
        out.printf("Toil share since %s (an approval costs %d min)%n", shares.since(), shares.approvalMinutes());
        out.printf("%-9s %-24s %8s %9s %9s %11s%n", "WEEK", "TEAM", "SAVED", "INCURRED", "APPROVALS",
                "TOIL SHARE");
        for (ToilShares.TeamWeek row : shares.teamWeeks()) {
            out.printf("%-9s %-24s %8d %9d %9d %11s%n", row.week(), escape(row.team().isEmpty() ? "(no owner)" : row.team()),
                    row.minutesSaved(), row.minutesIncurred(), row.approvals(),
                    row.toilSharePercent() == null ? "-" : row.toilSharePercent() + " %");
        }
        ToilShares.Coverage coverage = shares.coverage();
        out.printf("%nAutomation coverage since %s: %d of %d firing alerts handled without a human (%s)%n",
                coverage.since(), coverage.handled(), coverage.firing(),
                coverage.percent() == null ? "-" : coverage.percent() + " %");
        out.printf("Alerts no runbook handles: %d min of manual toil%n", shares.manualAlertMinutes());
        if (!shares.automateNext().isEmpty()) {
            out.printf("%nAutomate next%n%-40s %6s %14s%n", "ALERT", "COUNT", "HOURS/MONTH");
            for (ToilShares.AutomateNext next : shares.automateNext()) {
                out.printf("%-40s %6d %14.1f%n", escape(next.alertname()), next.count(), next.hoursPerMonth());
            }
        }
    }
}
