package dev.quench.demo;

import dev.quench.core.cli.QuenchSubcommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quench demo}: the whole loop, self-contained. The core's {@code quench} command finds it
 * through {@code META-INF/services/dev.quench.core.cli.QuenchSubcommand}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show the whole loop on this machine: no root, no other host. Exit 0 when it worked.")
public final class DemoCommand implements Callable<Integer>, QuenchSubcommand {

    @Option(names = "--runbooks", paramLabel = "DIR",
            description = "runbooks to use (default: the bundled library, QUENCH_HOME/runbooks or ./runbooks)")
    Path runbooks;

    @Option(names = "--serve", description = "keep Quench and its console up after the demo (until Ctrl-C), to see "
            + "the run at the console URL printed")
    boolean serve;

    @Override
    public Object command() {
        return this;
    }

    @Override
    public Integer call() throws Exception {
        return new Demo(runbooks != null ? runbooks : bundledRunbooks(), System.out, serve).run();
    }

    static Path bundledRunbooks() {
        String home = System.getProperty("quench.home");
        if (home != null && Files.isDirectory(Path.of(home, "runbooks"))) {
            return Path.of(home, "runbooks");
        }
        return Path.of("runbooks");
    }
}
