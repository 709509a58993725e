package dev.quench.core.cli;

import static dev.quench.core.util.TerminalText.escape;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench validate}: checks runbooks, prints each problem as FILE:LINE:COL: message. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check runbooks. Prints each problem as FILE:LINE:COL: message. Exit 0 valid, 1 invalid.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", description = "runbook files or directories (default: ./runbooks)")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of extra plugin jars")
    Path pluginsDirectory;

    @Override
    public Integer call() {
        List<Path> targets = paths.isEmpty() ? List.of(Path.of("runbooks")) : paths;
        int runbooks = 0;
        List<RunbookProblem> problems = new ArrayList<>();
        List<RunbookProblem> warnings = new ArrayList<>();
        try (PluginRegistry plugins = PluginRegistry.discover(pluginsDirectory)) {
            RunbookLoader loader = new RunbookLoader(plugins);
            for (Path target : targets) {
                if (!Files.exists(target)) {
                    System.err.println(target + ": no such file or directory");
                    return 2;
                }
                RunbookLoadResult result = loader.load(target);
                runbooks += result.runbooks().size();
                problems.addAll(result.problems());
                warnings.addAll(result.warnings());
            }
        }
        problems.forEach(problem -> System.out.println(escape(problem)));
        // Warnings do not change the exit code: the runbooks work, but may be misused.
        warnings.forEach(warning -> System.out.println(escape(warning)));
        if (problems.isEmpty()) {
            System.out.println(runbooks + " runbook(s) valid");
            return 0;
        }
        System.out.println(problems.size() + " problem(s); " + runbooks + " runbook(s) valid");
        return 1;
    }
}
