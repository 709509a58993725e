package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.schedule.ScheduleView;
import dev.quench.core.util.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code quench schedules}: each runbook schedule, its next fires, last run and misfires. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "Runbook schedules: cron, time zone, next fire times, last run and its outcome, misfires.")
final class SchedulesCommand implements Callable<Integer> {

    @Mixin
    HistoryOptions history;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.matches("table|json")) {
            throw new IllegalArgumentException("unknown format '" + format + "': use table or json");
        }
        try (History source = history.open()) {
            List<ScheduleView> schedules = source.schedules();
            if (format.equals("json")) {
                System.out.println(Json.json().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(Map.of("schedules", schedules)));
            } else {
                table(schedules, System.out);
            }
        }
        return 0;
    }

    static void table(List<ScheduleView> schedules, PrintStream out) {
        if (schedules.isEmpty()) {
            out.println("no schedules (a runbook is scheduled by triggers.schedule: {cron: \"0 30 3 * * ?\"})");
            return;
        }
        String row = "%-28s  %-20s  %-14s  %-8s  %-9s  %-8s  %s%n";
        out.printf(row, "RUNBOOK", "CRON", "TIMEZONE", "MISFIRE", "MISFIRES", "LAST", "NEXT FIRES");
        for (ScheduleView schedule : schedules) {
            String last = schedule.lastRunStatus() == null ? "-" : schedule.lastRunStatus().wireName();
            String next = schedule.nextFires().stream().map(Instant::toString).collect(Collectors.joining(", "));
            out.printf(row, escape(schedule.runbook()), escape(schedule.cron()), escape(schedule.timezone()),
                    schedule.misfire(), schedule.misfires(), last, !schedule.active() ? "disabled"
                            : next.isEmpty() ? "never" : next);
            if (!schedule.active() && schedule.note() != null) {
                out.printf("  %s%n", escape(schedule.note()));
            }
            if (schedule.lastRunId() != null) {
                out.printf("  last run: %s (quench runs show %s)%n", schedule.lastRunId(), schedule.lastRunId());
            }
        }
    }
}
