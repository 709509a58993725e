package dev.quench.core.cli;

import dev.quench.core.cli.print.IncidentPrinter;
import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.store.IncidentQuery;
import dev.quench.core.util.Durations;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench incidents list|show ID|export ID --format markdown|json}: incidents and postmortem drafts. */
@Command(name = "incidents", mixinStandardHelpOptions = true,
        description = "Incidents: alerts that belong together and the runs they started, with MTTA and MTTR.",
        subcommands = {IncidentsCommand.ListIncidents.class, IncidentsCommand.ShowIncident.class,
                IncidentsCommand.ExportIncident.class})
final class IncidentsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Incidents, newest first, then MTTA and MTTR per runbook over the same filter.")
    static final class ListIncidents implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Option(names = "--status", description = "open or resolved")
        String status;

        @Option(names = "--runbook", description = "only incidents in which this runbook ran")
        String runbook;

        @Option(names = "--since", description = "only incidents opened in this last period (30m, 7d)")
        String since;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--offset", defaultValue = "0", description = "skip this many (paging)")
        int offset;

        @Override
        public Integer call() throws Exception {
            Boolean open;
            if (status == null) {
                open = null;
            } else if (status.equals("open") || status.equals("resolved")) {
                open = status.equals("open");
            } else {
                System.err.println("quench incidents list: --status must be open or resolved, was '"
                        + dev.quench.core.util.TerminalText.escape(status) + "'");
                return 2;
            }
            IncidentQuery query;
            try {
                query = new IncidentQuery(open, null, runbook,
                        since == null ? null : Instant.now().minus(Durations.parse(since)), limit, offset);
            } catch (IllegalArgumentException e) {
                System.err.println("quench incidents list: " + dev.quench.core.util.TerminalText.escape(e.getMessage()));
                return 2;
            }
            try (History source = history.open()) {
                History.IncidentPage page = source.incidents(query);
                IncidentPrinter.table(page.incidents(), System.out);
                IncidentPrinter.times(page.byRunbook(), System.out);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One incident: its alerts, its runs and who decided what. Exit 1 if there is no such incident.")
    static final class ShowIncident implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Parameters(paramLabel = "ID", description = "the incident id")
        String id;

        @Override
        public Integer call() throws Exception {
            try (History source = history.open()) {
                Optional<IncidentDetail> incident = source.incident(id);
                if (incident.isEmpty()) {
                    System.err.println("no incident with id " + dev.quench.core.util.TerminalText.escape(id));
                    return 1;
                }
                IncidentPrinter.detail(incident.get(), System.out);
                return 0;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "A blameless postmortem draft of one incident: timeline, impact, toil, and headings for "
                    + "the human parts. Markdown to paste into a doc tool, or JSON.")
    static final class ExportIncident implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Parameters(paramLabel = "ID", description = "the incident id")
        String id;

        @Option(names = "--format", defaultValue = "markdown", description = "markdown or json (default: ${DEFAULT-VALUE})")
        String format;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("markdown") && !format.equals("json")) {
                System.err.println("quench incidents export: --format must be markdown or json, was '"
                        + dev.quench.core.util.TerminalText.escape(format) + "'");
                return 2;
            }
            try (History source = history.open()) {
                Optional<String> draft = source.exportIncident(id, format);
                if (draft.isEmpty()) {
                    System.err.println("no incident with id " + dev.quench.core.util.TerminalText.escape(id));
                    return 1;
                }
                System.out.print(draft.get());
                return 0;
            }
        }
    }
}
