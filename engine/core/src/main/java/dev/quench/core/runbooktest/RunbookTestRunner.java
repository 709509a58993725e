package dev.quench.core.runbooktest;

import static dev.quench.core.util.TerminalText.escape;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.match.RunbookMatcher;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.StepRecord;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Runs runbook tests ({@code *.test.yaml}) against the runbooks beside them, through the real
 * executor with every step plugin replaced by a {@link CannedStepPlugin}, and prints the outcome
 * like a test runner. Not thread-safe; one instance per invocation.
 */
public final class RunbookTestRunner {

    /**
     * Totals of one invocation.
     *
     * @param passed   test cases that passed
     * @param failed   test cases that failed, and test files that could not be read
     * @param problems load problems that fail the invocation as {@code quench validate} would: every problem
     *                 of the directory when a directory was tested, else those of the test file's own runbook
     */
    public record Summary(int passed, int failed, int problems) {

        public boolean succeeded() {
            return failed == 0 && problems == 0 && passed > 0;
        }
    }

    /** The canned-result id of a runbook's guards.errorBudget reading (the prometheus.query it runs). */
    private static final String BUDGET_READING = dev.quench.core.guard.PrometheusBudgetReader.STEP_ID;

    private final PluginRegistry realPlugins;
    private final PrintStream out;
    private final AtomicReference<Map<String, StepResult>> canned = new AtomicReference<>(Map.of());

    /** @param realPlugins the step types and their configuration records; never started or called */
    public RunbookTestRunner(PluginRegistry realPlugins, PrintStream out) {
        this.realPlugins = Objects.requireNonNull(realPlugins, "realPlugins");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Runs the test files in a directory (not its subdirectories), or the one test file given. */
    public Summary run(Path path) {
        List<Path> files = testFiles(path);
        Path directory = Files.isDirectory(path) ? path : Optional.ofNullable(path.toAbsolutePath().getParent())
                .orElse(Path.of("."));
        if (files.isEmpty()) {
            out.println("no runbook tests (*.test.yaml) in " + path);
            return new Summary(0, 0, 0);
        }
        RunbookLoadResult loaded = new RunbookLoader(realPlugins).load(directory);
        int passed = 0;
        int failed = 0;
        // Load problems are not tests: they are listed once, apart, and judged as 'quench validate' judges the
        // same path. A test of a runbook that did not load fails on its own, saying which file is broken.
        if (!loaded.problems().isEmpty()) {
            out.println("runbook problems in " + directory + " (a runbook with problems is not loaded):");
            loaded.problems().forEach(problem -> out.println("  " + escape(problem)));
        }
        boolean oneFile = !Files.isDirectory(path);
        List<RunbookProblem> own = oneFile ? loaded.problems().stream()
                .filter(problem -> isRunbookOf(problem.file(), path)).toList() : loaded.problems();
        List<RunbookProblem> others = loaded.problems().stream().filter(problem -> !own.contains(problem)).toList();
        List<StepPlugin<?>> standIns = new ArrayList<>();
        for (String type : realPlugins.types()) {
            realPlugins.plugin(type).ifPresent(plugin -> standIns.add(CannedStepPlugin.standInFor(plugin, canned::get)));
        }
        try (PluginRegistry plugins = PluginRegistry.of(standIns);
             LocalRuns shared = LocalRuns.forTests(plugins)) {
            RunbookMatcher matcher = new RunbookMatcher(loaded.runbooks());
            for (Path file : files) {
                out.println(file);
                RunbookTestFile tests;
                try {
                    tests = RunbookTestFile.read(file);
                } catch (TestFileException e) {
                    out.println("  ERROR " + escape(e.getMessage()));
                    failed++;
                    continue;
                }
                for (RunbookTestCase test : tests.cases()) {
                    long started = System.nanoTime();
                    List<String> failures = runCase(test, file, loaded, matcher, plugins, shared);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (failures.isEmpty()) {
                        passed++;
                        out.printf("  PASS %s (%d ms)%n", escape(test.name()), millis);
                    } else {
                        failed++;
                        out.printf("  FAIL %s (%d ms)%n", escape(test.name()), millis);
                        failures.forEach(failure -> out.println("       " + escape(failure)));
                    }
                }
            }
        }
        StringBuilder summary = new StringBuilder("%d test(s): %d passed, %d failed".formatted(passed + failed, passed,
                failed));
        if (!own.isEmpty()) {
            summary.append("; %d problem(s) in %d runbook file(s) (quench validate %s)".formatted(own.size(),
                    files(own), oneFile ? own.getFirst().file() : directory));
        }
        if (!others.isEmpty()) {
            summary.append("; note: %d problem(s) in %d other runbook file(s) in %s (quench validate %s)".formatted(
                    others.size(), files(others), directory, directory));
        }
        out.println(summary);
        return new Summary(passed, failed, own.size());
    }

    private static long files(List<RunbookProblem> problems) {
        return problems.stream().map(RunbookProblem::file).distinct().count();
    }

    /** Whether {@code runbookFile} is the runbook beside {@code testFile}: {@code x.yaml} or {@code x.groovy} for {@code x.test.yaml}. */
    private static boolean isRunbookOf(Path runbookFile, Path testFile) {
        String test = testFile.getFileName().toString().replaceFirst("\\.test\\.ya?ml$", "");
        String runbook = runbookFile.getFileName().toString().replaceFirst("\\.(ya?ml|groovy)$", "");
        return test.equals(runbook) && Objects.equals(runbookFile.toAbsolutePath().getParent(),
                testFile.toAbsolutePath().getParent());
    }

    private List<String> runCase(RunbookTestCase test, Path testFile, RunbookLoadResult loaded, RunbookMatcher matcher,
                                 PluginRegistry plugins, LocalRuns shared) {
        List<Runbook> runbooks = loaded.runbooks();
        List<String> failures = new ArrayList<>();
        List<String> matched = test.alert().map(alert -> matcher.matching(alert).stream().map(Runbook::name).toList())
                .orElse(List.of());
        test.matches().ifPresent(expected -> {
            if (!expected.stream().sorted().toList().equals(matched.stream().sorted().toList())) {
                failures.add("matches: expected " + expected + " but the alert matched " + matched);
            }
        });
        if (test.expect().isEmpty()) {
            return failures;
        }
        RunbookTestCase.Expectation expect = test.expect().get();
        Optional<Runbook> runbook = pick(test, testFile, runbooks, matched, failures,
                loaded.problems().stream().map(RunbookProblem::file).distinct().toList());
        if (runbook.isEmpty()) {
            return failures;
        }
        int matchingFailures = failures.size();
        // A runbook written as code (Groovy) names its steps only when it runs: nothing to check ahead.
        boolean declaresSteps = runbook.get().body().isEmpty();
        boolean readsBudget = runbook.get().guards().errorBudget().isPresent();
        for (String id : test.canned().keySet()) {
            if (declaresSteps && runbook.get().step(stepIdOf(id)).isEmpty() && !(readsBudget && id.equals(BUDGET_READING))) {
                failures.add("steps." + id + ": runbook " + runbook.get().name() + " has no step '" + id + "'");
            }
        }
        for (String id : expect.steps().keySet()) {
            if (declaresSteps && runbook.get().step(stepIdOf(id)).isEmpty()) {
                failures.add("expect.steps." + id + ": runbook " + runbook.get().name() + " has no step '" + id + "'");
            }
        }
        if (failures.size() > matchingFailures) {
            return failures;
        }
        canned.set(test.canned());
        RunRecord run;
        // Each case starts from empty guard state, as the runbook's first run: a runbook with guards gets a store of
        // its own per case (so no cooldown or breaker of an earlier case holds it back); the others share one, as a
        // store costs a schema migration.
        boolean ownStore = runbook.get().guards().any();
        LocalRuns runs = ownStore ? LocalRuns.forTests(plugins) : shared;
        try {
            run = runs.run(runbook.get(), test.params(), test.alert().orElse(null), false, "quench test",
                    dev.quench.core.config.RunbookEnvironment.of(test.env(), test.secrets()));
        } catch (IllegalArgumentException e) {
            failures.add("cannot run " + runbook.get().name() + ": " + e.getMessage());
            return failures;
        } finally {
            canned.set(Map.of());
            if (ownStore) {
                runs.close();
            }
        }
        failures.addAll(RunExpectations.check(expect, run));
        return failures;
    }

    /** The step id of a recorded id: {@code clean[2]}, an iteration of a forEach step, is of step {@code clean}. */
    static String stepIdOf(String recordId) {
        int bracket = recordId.indexOf('[');
        return bracket > 0 && recordId.endsWith("]") ? recordId.substring(0, bracket) : recordId;
    }

    /** The runbook a test case runs; else a failure saying why none, naming the broken file it most likely meant. */
    private static Optional<Runbook> pick(RunbookTestCase test, Path testFile, List<Runbook> runbooks,
                                          List<String> matched, List<String> failures, List<Path> broken) {
        if (test.runbook().isPresent()) {
            String name = test.runbook().get();
            Optional<Runbook> named = runbooks.stream().filter(runbook -> runbook.name().equals(name)).findFirst();
            if (named.isEmpty()) {
                Optional<Path> source = broken.stream().filter(file -> file.getFileName().toString()
                        .replaceFirst("\\.(ya?ml|groovy)$", "").equals(name)).findFirst();
                failures.add("runbook '" + name + "' is not loaded" + source.map(file -> ": " + file
                        + " has problems (above)").orElse(" (loaded: " + runbooks.stream().map(Runbook::name).toList()
                        + (broken.isEmpty() ? "" : "; the files with problems above did not load") + ")"));
            }
            return named;
        }
        if (matched.size() == 1) {
            return runbooks.stream().filter(runbook -> runbook.name().equals(matched.getFirst())).findFirst();
        }
        failures.add((test.alert().isEmpty() ? "no alert and no runbook: say which runbook to run, like runbook: name"
                : "the alert matched " + matched + ": say which runbook to run, like runbook: name")
                + (matched.isEmpty() ? broken.stream().filter(file -> isRunbookOf(file, testFile)).findFirst()
                .map(file -> " (" + file + " beside this test has problems (above), so its runbook is not loaded)")
                .orElse(broken.isEmpty() ? "" : " (the runbook files with problems above did not load)") : ""));
        return Optional.empty();
    }

    private static List<Path> testFiles(Path path) {
        if (!Files.exists(path)) {
            throw new UncheckedIOException(new IOException(path + ": no such file or directory"));
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> listing = Files.list(path)) {
            return listing.filter(Files::isRegularFile).filter(RunbookTestFile::isTestFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    /** Compares a finished run to an expectation, one message per difference. */
    static final class RunExpectations {

        private RunExpectations() {
        }

        static List<String> check(RunbookTestCase.Expectation expect, RunRecord run) {
            List<String> failures = new ArrayList<>();
            expect.status().ifPresent(status -> {
                if (!wireStatus(status).equals(run.status().wireName())) {
                    failures.add("status: expected " + status + " but the run " + run.status().wireName()
                            + (run.message().isEmpty() ? "" : ": " + run.message()));
                }
            });
            expect.verify().ifPresent(expected -> {
                String actual = verifyOutcome(run);
                if (!expected.equals(actual)) {
                    failures.add("verify: expected " + expected + " but the run's verify was " + actual
                            + (run.message().isEmpty() ? "" : " (" + run.message() + ")"));
                }
            });
            List<String> ran = run.steps().stream().map(StepRecord::stepId).toList();
            expect.ran().ifPresent(expected -> {
                if (!expected.equals(ran)) {
                    failures.add("ran: expected steps " + expected + " but " + ran + " ran");
                }
            });
            expect.steps().forEach((id, step) -> {
                Optional<StepRecord> record = run.steps().stream().filter(candidate -> candidate.stepId().equals(id))
                        .findFirst();
                String actualStatus = record.map(StepRecord::status).orElse("notRun");
                step.status().ifPresent(status -> {
                    if (!status.equals(actualStatus)) {
                        failures.add("steps." + id + ".status: expected " + status + " but was " + actualStatus
                                + record.map(r -> r.message().isEmpty() ? "" : " (" + r.message() + ")").orElse(""));
                    }
                });
                step.message().ifPresent(text -> {
                    String message = record.map(StepRecord::message).orElse("");
                    if (!message.contains(text)) {
                        failures.add("steps." + id + ".message: expected it to contain \"" + text + "\" but was \""
                                + message + "\"");
                    }
                });
                step.with().forEach((field, expected) -> {
                    Object actual = record.map(r -> r.rendered().get(field)).orElse(null);
                    if (!same(expected, actual)) {
                        failures.add("steps." + id + ".with." + field + ": expected " + show(expected) + " but was "
                                + (record.isEmpty() ? "(the step did not run)" : show(actual)));
                    }
                });
            });
            return failures;
        }

        /** The run status an expected one names: {@code awaitingApproval} is {@code awaiting_approval}. */
        private static String wireStatus(String expected) {
            return expected.equals("awaitingApproval") ? "awaiting_approval" : expected;
        }

        /** recovered, notRecovered or notRun, from the run's verify records. */
        static String verifyOutcome(RunRecord run) {
            List<StepRecord> checks = run.steps().stream().filter(StepRecord::isVerify).toList();
            if (checks.isEmpty()) {
                return RunbookTestCase.Expectation.VERIFY_NOT_RUN;
            }
            return checks.stream().anyMatch(check -> "failed".equals(check.status()))
                    ? RunbookTestCase.Expectation.NOT_RECOVERED : RunbookTestCase.Expectation.RECOVERED;
        }

        private static boolean same(Object expected, Object actual) {
            JsonNode left = Json.json().valueToTree(expected);
            JsonNode right = Json.json().valueToTree(actual);
            if (left.isValueNode() && right.isValueNode() && !left.isNull() && !right.isNull()) {
                return left.asText().equals(right.asText());
            }
            return left.equals(right);
        }

        private static String show(Object value) {
            return value instanceof String text ? "\"" + text + "\"" : String.valueOf(Json.json().valueToTree(value));
        }
    }
}
