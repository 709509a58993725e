package dev.quench.core.cli;

import dev.quench.core.cli.print.ToilPrinter;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.util.Durations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code quench toil report|share}: the toil ledger. */
@Command(name = "toil", mixinStandardHelpOptions = true, description = "The toil ledger.",
        subcommands = {ToilCommand.Report.class, ToilCommand.Share.class})
final class ToilCommand {

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Engineer time automation saved, and alerts still handled by hand.")
    static final class Report implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Option(names = "--since", defaultValue = "30d", description = "period, e.g. 7d, 30d, 12h (default: ${DEFAULT-VALUE})")
        String since;

        @Option(names = "--by", defaultValue = "runbook", description = "runbook, team or week (default: ${DEFAULT-VALUE})")
        String by;

        @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE})")
        String format;

        @Override
        public Integer call() throws Exception {
            ToilGrouping grouping = ToilGrouping.parse(by);
            var period = Durations.parse(since);
            if (!format.matches("table|json|csv")) {
                throw new IllegalArgumentException("unknown format '" + format + "': use table, json or csv");
            }
            try (History source = history.open()) {
                ToilPrinter.print(source.toil(period, grouping), format, System.out);
            }
            return 0;
        }
    }

    @Command(name = "share", mixinStandardHelpOptions = true,
            description = "Toil incurred vs saved per team and week (the toil share), automation coverage, and the "
                    + "alerts to automate next with estimated hours per month.")
    static final class Share implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Option(names = "--since", defaultValue = "30d", description = "period, e.g. 7d, 30d (default: ${DEFAULT-VALUE})")
        String since;

        @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE})")
        String format;

        @Override
        public Integer call() throws Exception {
            var period = Durations.parse(since);
            if (!format.matches("table|json")) {
                throw new IllegalArgumentException("unknown format '" + format + "': use table or json");
            }
            try (History source = history.open()) {
                dev.quench.core.cli.print.ToilSharePrinter.print(source.toilShares(period), format, System.out);
            }
            return 0;
        }
    }
}
