package dev.quench.core.cli;

import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quench} command. Exit codes: 0 ok, 1 the checked thing is wrong (invalid runbook,
 * failed run), 2 usage error.
 */
@Command(name = "quench", mixinStandardHelpOptions = true, versionProvider = QuenchVersion.class,
        description = "Toil-reduction runbook engine: alerts in, remediation out, toil saved on record.",
        subcommands = {ServeCommand.class, ValidateCommand.class, RunCommand.class,
                TestCommand.class, RunsCommand.class, IncidentsCommand.class, ToilCommand.class, SchedulesCommand.class,
                KillSwitchCommands.Pause.class, KillSwitchCommands.Resume.class, TokensCommand.class,
                AuditCommand.class, StoreCommand.class, BreakerCommand.class})
public final class QuenchMain {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests and the demo). */
    public static int run(String... args) {
        // Groovy is on the class path, so picocli would initialise Groovy's whole meta-class system to check
        // for closures in annotations (Quench has none): a tenth of a second of every start, serve's too.
        if (System.getProperty("picocli.disable.closures") == null) {
            System.setProperty("picocli.disable.closures", "true");
        }
        CommandLine commandLine = new CommandLine(new QuenchMain());
        // Subcommands of modules above the core (quench demo), when their jar is on the class path.
        for (QuenchSubcommand subcommand : ServiceLoader.load(QuenchSubcommand.class)) {
            commandLine.addSubcommand(subcommand.command());
        }
        commandLine.addSubcommand(new CommandLine.HelpCommand());
        commandLine.setExecutionExceptionHandler((error, line, parseResult) -> {
            line.getErr().println("quench: " + line.getColorScheme().errorText(
                    error.getMessage() == null ? error.toString() : error.getMessage()));
            // A bad option value is a usage error (2); anything else means the checked thing failed (1).
            return error instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : 1;
        });
        return commandLine.execute(args);
    }
}
