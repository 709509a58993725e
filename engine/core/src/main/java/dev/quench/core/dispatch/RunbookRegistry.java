package dev.quench.core.dispatch;

import dev.quench.core.alert.Alert;
import dev.quench.core.match.RunbookMatcher;
import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runbooks the engine runs now, with the problems of the files that did not load. A reload
 * swaps the whole set at once. When a file that loaded before is now broken, its last good
 * runbook stays in service and {@link #kept()} says so, so a bad edit never silently switches a
 * remediation off. Thread-safe.
 */
public final class RunbookRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookRegistry.class);

    private final Path directory;
    private final RunbookLoader loader;
    private final AtomicReference<Loaded> current = new AtomicReference<>(Loaded.of(List.of(), List.of(),
            new RunbookMatcher(List.of()), List.of()));
    /**
     * Done when the first load has finished. Until then every look-up waits for it: an alert or a
     * schedule fire that arrives while {@code quench serve} is still loading is matched against the
     * runbooks on disk, never against an empty set.
     */
    private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();

    public RunbookRegistry(Path directory, StepCatalog catalog) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.loader = new RunbookLoader(catalog);
    }

    /**
     * A runbook still in service from an earlier load because its file is now broken.
     *
     * @param runbook the last good version
     * @param reason  why the file's current content did not load (its first problem)
     */
    public record KeptRunbook(Runbook runbook, String reason) {
    }

    /**
     * Loads the directory again and swaps in the result; broken files are reported, not loaded,
     * except that a broken file's last good runbook is kept (see {@link #kept()}).
     */
    public synchronized RunbookLoadResult reload() {
        RunbookLoadResult result;
        try {
            result = loadDirectory();
        } catch (RuntimeException | Error e) {
            // Look-ups waiting for the first load fail instead of waiting for ever (alerts stay unprocessed).
            firstLoad.completeExceptionally(e);
            throw e;
        }
        Loaded previous = current.get();
        List<Runbook> runbooks = new ArrayList<>(result.runbooks());
        List<KeptRunbook> kept = new ArrayList<>();
        Set<String> names = new HashSet<>();
        runbooks.forEach(runbook -> names.add(runbook.name()));
        Map<Path, RunbookProblem> brokenFiles = new LinkedHashMap<>();
        result.problems().forEach(problem -> brokenFiles.putIfAbsent(problem.file(), problem));
        for (Runbook old : previous.runbooks()) {
            RunbookProblem problem = brokenFiles.get(old.source());
            if (problem != null && java.nio.file.Files.exists(old.source()) && names.add(old.name())) {
                runbooks.add(old);
                kept.add(new KeptRunbook(old, problem.toString()));
                LOG.warn("{} is broken; keeping its last good version of runbook '{}' in service: {}", old.source(),
                        old.name(), problem);
            }
        }
        current.set(Loaded.of(runbooks, result.problems(), new RunbookMatcher(runbooks), kept));
        firstLoad.complete(null);
        LOG.info("loaded {} runbook(s) from {}", result.runbooks().size(), directory.toAbsolutePath());
        for (RunbookProblem problem : result.problems()) {
            LOG.warn("runbook not loaded: {}", problem);
        }
        return result;
    }

    /**
     * The directory's runbooks; none while it does not exist (a first start where {@code ./runbooks} is
     * missing serves anyway: alerts are stored, and the watcher loads the directory once it is created).
     */
    private RunbookLoadResult loadDirectory() {
        if (!java.nio.file.Files.exists(directory)) {
            LOG.warn("runbooks directory {} does not exist: serving with no runbooks (alerts are stored, none is "
                    + "remediated). Create it (it is loaded within seconds), or point Quench at yours with "
                    + "--runbooks DIR or runbooks: in quench.yaml", directory.toAbsolutePath().normalize());
            return new RunbookLoadResult(List.of(), List.of(), List.of());
        }
        return loader.load(directory);
    }

    /** Whether the first load has finished; until it has, the look-ups below wait for it. */
    public boolean loaded() {
        return firstLoad.isDone() && !firstLoad.isCompletedExceptionally();
    }

    /** Runbooks kept in service from an earlier load because their file is broken now. */
    public List<KeptRunbook> kept() {
        return loadedSet().kept();
    }

    public Path directory() {
        return directory;
    }

    public List<Runbook> runbooks() {
        return loadedSet().runbooks();
    }

    public List<RunbookProblem> problems() {
        return loadedSet().problems();
    }

    public Optional<Runbook> find(String name) {
        // By index: a burst of 1,000 schedule fires looks up 1,000 names among 10,000 runbooks.
        return Optional.ofNullable(loadedSet().byName().get(name));
    }

    public List<Runbook> matching(Alert alert) {
        return loadedSet().matcher().matching(alert);
    }

    /** The current set, once the first load has finished. */
    private Loaded loadedSet() {
        if (!firstLoad.isDone()) {
            try {
                firstLoad.join();
            } catch (CompletionException e) {
                throw new IllegalStateException("the runbooks in " + directory.toAbsolutePath()
                        + " could not be loaded (" + e.getCause() + "); restart Quench once the cause is fixed",
                        e.getCause());
            }
        }
        return current.get();
    }

    private record Loaded(List<Runbook> runbooks, List<RunbookProblem> problems, RunbookMatcher matcher,
                          List<KeptRunbook> kept, Map<String, Runbook> byName) {

        static Loaded of(List<Runbook> runbooks, List<RunbookProblem> problems, RunbookMatcher matcher,
                         List<KeptRunbook> kept) {
            Map<String, Runbook> byName = new java.util.HashMap<>();
            runbooks.forEach(runbook -> byName.putIfAbsent(runbook.name(), runbook));
            return new Loaded(runbooks, problems, matcher, kept, Map.copyOf(byName));
        }
    }
}
