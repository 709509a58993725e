package dev.quench.core.cli.print;

import static dev.quench.core.util.TerminalText.escape;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.util.Json;
import java.io.PrintStream;
import java.util.Locale;

/** Prints the toil ledger as a table, JSON or CSV. */
public final class ToilPrinter {

    private ToilPrinter() {
    }

    public static void print(ToilReport report, String format, PrintStream out) throws JsonProcessingException {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> out.println(Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            case "csv" -> csv(report, out);
            case "table" -> table(report, out);
            default -> throw new IllegalArgumentException("unknown format '" + format + "': use table, json or csv");
        }
    }

    private static void table(ToilReport report, PrintStream out) {
        out.printf("Toil saved since %s, by %s%n", report.since(), report.by().wireName());
        out.printf("%-32s %6s %9s %6s %9s %8s%n", report.by().wireName().toUpperCase(Locale.ROOT), "RUNS", "SUCCEEDED",
                "FAILED", "MINUTES", "HOURS");
        for (ToilReport.Row row : report.rows()) {
            out.printf("%-32s %6d %9d %6d %9d %8.1f%n", escape(row.key()), row.runs(), row.succeeded(), row.failed(),
                    row.minutesSaved(), row.hoursSaved());
        }
        out.printf("%-32s %6s %9s %6s %9d %8.1f%n", "TOTAL", "", "", "", report.totalMinutesSaved(),
                report.totalHoursSaved());
        if (!report.manualAlerts().isEmpty()) {
            out.println();
            out.println("Alerts handled by hand (no runbook matched):");
            out.printf("%-32s %6s %9s  %s%n", "ALERTNAME", "COUNT", "MINUTES", "");
            for (ToilReport.ManualAlert alert : report.manualAlerts()) {
                out.printf("%-32s %6d %9d  %s%n", escape(alert.alertname()), alert.count(), alert.minutesIncurred(),
                        alert.automateNext() ? "<- automate next" : "");
            }
        }
    }

    private static void csv(ToilReport report, PrintStream out) {
        out.println(report.by().wireName() + ",runs,succeeded,failed,minutes_saved,hours_saved");
        for (ToilReport.Row row : report.rows()) {
            out.printf(Locale.ROOT, "%s,%d,%d,%d,%d,%.1f%n", quote(row.key()), row.runs(), row.succeeded(), row.failed(),
                    row.minutesSaved(), row.hoursSaved());
        }
    }

    private static String quote(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
