package dev.quench.core.cli;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbooktest.RunbookTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quench test [PATH]}: runs the runbook tests (*.test.yaml) beside the runbooks. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run runbook tests (*.test.yaml beside the runbooks): sample alerts, canned step results, "
                + "expected steps, inputs and status. Nothing is contacted or run. Exit 0 all passed, 1 a test failed.")
final class TestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", arity = "0..1", description = "a runbooks directory or one test file "
            + "(default: ./runbooks)")
    Path path = Path.of("runbooks");

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of extra plugin jars")
    Path pluginsDirectory;

    @Override
    public Integer call() {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such file or directory");
        }
        try (PluginRegistry plugins = PluginRegistry.discover(pluginsDirectory)) {
            return new RunbookTestRunner(plugins, System.out).run(path).succeeded() ? 0 : 1;
        }
    }
}
