package dev.quench.core.engine;

import dev.quench.core.alert.Alert;
import dev.quench.core.match.RunbookMatcher;
import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookLoadResult;
import dev.quench.core.runbook.RunbookLoader;
import dev.quench.core.runbook.RunbookProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbooks the engine runs now, with the problems of the files that did not load. A reload
 * swaps the whole set at once. Thread-safe.
 */
public final class RunbookRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookRegistry.class);

    private final Path directory;
    private final RunbookLoader loader;
    private final AtomicReference<Loaded> current = new AtomicReference<>(new Loaded(List.of(), List.of(),
            new RunbookMatcher(List.of())));

    public RunbookRegistry(Path directory, StepCatalog catalog) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.loader = new RunbookLoader(catalog);
    }

    /** Loads the directory again and swaps in the result; broken files are reported, not loaded. */
    public RunbookLoadResult reload() {
        RunbookLoadResult result = loader.load(directory);
        current.set(new Loaded(result.runbooks(), result.problems(), new RunbookMatcher(result.runbooks())));
        LOG.info("loaded {} runbook(s) from {}", result.runbooks().size(), directory.toAbsolutePath());
        for (RunbookProblem problem : result.problems()) {
            LOG.warn("runbook not loaded: {}", problem);
        }
        return result;
    }

    public Path directory() {
        return directory;
    }

    public List<Runbook> runbooks() {
        return current.get().runbooks();
    }

    public List<RunbookProblem> problems() {
        return current.get().problems();
    }

    public Optional<Runbook> find(String name) {
        return current.get().runbooks().stream().filter(runbook -> runbook.name().equals(name)).findFirst();
    }

    public List<Runbook> matching(Alert alert) {
        return current.get().matcher().matching(alert);
    }

    private record Loaded(List<Runbook> runbooks, List<RunbookProblem> problems, RunbookMatcher matcher) {
    }
}
