package dev.quench.core.cli;

import dev.quench.core.cli.print.RunPrinter;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench runs list|show|approve|reject|cancel}: run history and decisions. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Run history.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class, RunDecisionCommands.Approve.class,
                RunDecisionCommands.Reject.class, RunDecisionCommands.Cancel.class, RunsCommand.FollowRun.class})
final class RunsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Recent runs, newest first.")
    static final class ListRuns implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Option(names = "--status", description = "queued, running, succeeded, failed, cancelled, refused, awaiting_approval or rejected")
        String status;

        @Option(names = "--runbook", description = "only runs of this runbook")
        String runbook;

        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws Exception {
            try (History source = history.open()) {
                RunPrinter.table(source.runs(status == null ? null : RunStatus.parse(status), runbook, limit), System.out);
            }
            return 0;
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = "A run's live events, like tail -f: each step as it starts and ends, its output as it is "
                    + "printed (stderr to stderr), until the run ends. Exit 0 when it succeeded, 1 when it did not "
                    + "or cannot be followed.")
    static final class FollowRun implements Callable<Integer> {

        @Mixin
        ServerOptions server;

        @Parameters(paramLabel = "ID", description = "the run id")
        String id;

        @Override
        public Integer call() throws Exception {
            RunFollower.Outcome outcome = new RunFollower(server.server, server.token(), System.out, System.err)
                    .follow(id, null, false);
            if (outcome.status().isEmpty()) {
                System.err.println("quench runs follow: " + dev.quench.core.util.TerminalText.escape(outcome.problem()));
            }
            return outcome.succeeded() ? 0 : 1;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One run with every step: rendered command, exit code, output, timings. Exit 1 if it failed.")
    static final class ShowRun implements Callable<Integer> {

        @Mixin
        HistoryOptions history;

        @Parameters(paramLabel = "ID", description = "the run id")
        String id;

        @Override
        public Integer call() throws Exception {
            try (History source = history.open()) {
                Optional<RunRecord> run = source.run(id);
                if (run.isEmpty()) {
                    System.err.println("no run with id " + id);
                    return 1;
                }
                RunPrinter.detail(run.get(), System.out);
                return run.get().status() == RunStatus.FAILED ? 1 : 0;
            }
        }
    }
}
