package dev.quench.core.runbooktest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.core.local.LocalRuns;
import dev.quench.core.match.RunbookMatcher;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.RunbookLoadResult;
import dev.quench.core.runbook.RunbookLoader;
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

    /** Totals of one invocation. */
    public record Summary(int passed, int failed) {

        public boolean succeeded() {
            return failed == 0 && passed > 0;
        }
    }

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
            return new Summary(0, 0);
        }
        RunbookLoadResult loaded = new RunbookLoader(realPlugins).load(directory);
        int passed = 0;
        int failed = 0;
        if (!loaded.problems().isEmpty()) {
            out.println("runbooks in " + directory + " have problems (they fail their tests):");
            loaded.problems().forEach(problem -> out.println("  " + problem));
            failed += loaded.problems().size();
        }
        List<StepPlugin<?>> standIns = new ArrayList<>();
        for (String type : realPlugins.types()) {
            realPlugins.plugin(type).ifPresent(plugin -> standIns.add(CannedStepPlugin.standInFor(plugin, canned::get)));
        }
        try (PluginRegistry plugins = PluginRegistry.of(standIns);
             LocalRuns runs = LocalRuns.forTests(plugins)) {
            RunbookMatcher matcher = new RunbookMatcher(loaded.runbooks());
            for (Path file : files) {
                out.println(file);
                RunbookTestFile tests;
                try {
                    tests = RunbookTestFile.read(file);
                } catch (TestFileException e) {
                    out.println("  ERROR " + e.getMessage());
                    failed++;
                    continue;
                }
                for (RunbookTestCase test : tests.cases()) {
                    long started = System.nanoTime();
                    List<String> failures = runCase(test, loaded.runbooks(), matcher, runs);
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (failures.isEmpty()) {
                        passed++;
                        out.printf("  PASS %s (%d ms)%n", test.name(), millis);
                    } else {
                        failed++;
                        out.printf("  FAIL %s (%d ms)%n", test.name(), millis);
                        failures.forEach(failure -> out.println("       " + failure));
                    }
                }
            }
        }
        out.printf("%d test(s): %d passed, %d failed%n", passed + failed, passed, failed);
        return new Summary(passed, failed);
    }

    private List<String> runCase(RunbookTestCase test, List<Runbook> runbooks, RunbookMatcher matcher, LocalRuns runs) {
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
        Optional<Runbook> runbook = pick(test, runbooks, matched, failures);
        if (runbook.isEmpty()) {
            return failures;
        }
        int matchingFailures = failures.size();
        // A runbook written as code (Groovy) names its steps only when it runs: nothing to check ahead.
        boolean declaresSteps = runbook.get().body().isEmpty();
        for (String id : test.canned().keySet()) {
            if (declaresSteps && runbook.get().step(stepIdOf(id)).isEmpty()) {
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
        try {
            run = runs.run(runbook.get(), test.params(), test.alert().orElse(null), false, "quench test",
                    dev.quench.core.config.RunbookEnvironment.of(test.env(), test.secrets()));
        } catch (IllegalArgumentException e) {
            failures.add("cannot run " + runbook.get().name() + ": " + e.getMessage());
            return failures;
        } finally {
            canned.set(Map.of());
        }
        failures.addAll(RunExpectations.check(expect, run));
        return failures;
    }

    /** The step id of a recorded id: {@code clean[2]}, an iteration of a forEach step, is of step {@code clean}. */
    static String stepIdOf(String recordId) {
        int bracket = recordId.indexOf('[');
        return bracket > 0 && recordId.endsWith("]") ? recordId.substring(0, bracket) : recordId;
    }

    private static Optional<Runbook> pick(RunbookTestCase test, List<Runbook> runbooks, List<String> matched,
                                          List<String> failures) {
        if (test.runbook().isPresent()) {
            Optional<Runbook> named = runbooks.stream().filter(runbook -> runbook.name().equals(test.runbook().get()))
                    .findFirst();
            if (named.isEmpty()) {
                failures.add("runbook '" + test.runbook().get() + "' is not loaded (loaded: "
                        + runbooks.stream().map(Runbook::name).toList() + ")");
            }
            return named;
        }
        if (matched.size() == 1) {
            return runbooks.stream().filter(runbook -> runbook.name().equals(matched.getFirst())).findFirst();
        }
        failures.add(test.alert().isEmpty() ? "no alert and no runbook: say which runbook to run, like runbook: name"
                : "the alert matched " + matched + ": say which runbook to run, like runbook: name");
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
                if (!status.equals(run.status().wireName())) {
                    failures.add("status: expected " + status + " but the run " + run.status().wireName()
                            + (run.message().isEmpty() ? "" : ": " + run.message()));
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
