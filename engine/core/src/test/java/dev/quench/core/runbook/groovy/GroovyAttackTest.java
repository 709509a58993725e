package dev.quench.core.runbook.groovy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.cli.QuenchMain;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookProblem;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.testing.EngineHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways into the engine that an attack on Groovy runbooks found (issue 14, item 8), each a
 * fixture under {@code runbooks/groovy-attacks/}: refused at load with its position, or stopped
 * at run time, and never run by {@code validate} or a dry run.
 */
class GroovyAttackTest {

    private static final Path ATTACKS = Path.of("src/test/resources/runbooks/groovy-attacks");
    private static final String STEP_CALLS = "a Groovy runbook's side effects are step calls (ssh.exec(...), "
            + "http.request(...), shell.exec(...))";
    private static final String METHODS = STEP_CALLS + ", and it calls only the methods listed in "
            + "docs/groovy-security.md";

    @TempDir
    Path temp;

    /** Copies fixture {@code name} into a directory of its own and returns that directory. */
    private Path directoryWith(String name) throws Exception {
        Path directory = Files.createDirectories(temp.resolve("dir-" + name));
        Files.copy(ATTACKS.resolve(name), directory.resolve(name));
        return directory;
    }

    private List<String> problems(String name) throws Exception {
        Path directory = directoryWith(name);
        RunbookLoadResult result;
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            result = new RunbookLoader(plugins).load(directory.resolve(name));
        }
        assertThat(result.runbooks()).isEmpty();
        String prefix = directory.resolve(name) + ":";
        return result.problems().stream().map(RunbookProblem::toString).map(text -> text.replace(prefix, "")).toList();
    }

    private record Cli(int exit, String out) {
    }

    private static Cli quench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            int exit = QuenchMain.run(args);
            return new Cli(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void subscriptAccessToClassAndClassLoaderIsRefusedAtLoad() throws Exception {
        assertThat(problems("subscript-class-loader.groovy")).containsExactly(
                "4:25: subscript ['class'] is not available in a runbook: " + STEP_CALLS,
                "5:26: method 'loadClass' is not available in a runbook: " + METHODS,
                "6:13: method 'getRuntime' is not available in a runbook: " + METHODS);
        assertThat(Path.of("/tmp/quench-subscript-attack")).doesNotExist();
    }

    @Test
    void astTestCodeDoesNotRunDuringValidate() throws Exception {
        Path marker = temp.resolve("ast-test-ran");
        Path directory = directoryWith("ast-test.groovy");
        System.setProperty("quench.test.marker", marker.toString());
        Cli validate;
        try {
            validate = quench("validate", directory.toString());
        } finally {
            System.clearProperty("quench.test.marker");
        }

        assertThat(marker).doesNotExist();
        assertThat(validate.exit()).isEqualTo(1);
        assertThat(validate.out()).isEqualTo(directory.resolve("ast-test.groovy") + ":2:1: annotation "
                + "@groovy.transform.ASTTest is not available in a runbook: an annotation can run code while the file "
                + "is compiled (by validate and by every reload), so Quench stopped compiling it there\n"
                + "1 problem(s); 0 runbook(s) valid\n");
    }

    @Test
    void astTestCodeDoesNotRunWhenAServingEngineReloadsItsRunbooks() throws Exception {
        Path marker = temp.resolve("ast-test-ran-on-reload");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            Files.copy(ATTACKS.resolve("ast-test.groovy"), runbooks.resolve("ast-test.groovy"));
            System.setProperty("quench.test.marker", marker.toString());
            try {
                harness.engine().runbooks().reload();
            } finally {
                System.clearProperty("quench.test.marker");
            }

            assertThat(marker).doesNotExist();
            assertThat(harness.engine().runbooks().problems().toString()).contains(runbooks.resolve("ast-test.groovy")
                    + ":2:1: annotation @groovy.transform.ASTTest is not available in a runbook");
        }
    }

    @Test
    void grabAnnotationsAreRefusedBeforeTheyFetchAnything() throws Exception {
        String why = " is not available in a runbook: an annotation can run code while the file is compiled "
                + "(by validate and by every reload), so Quench stopped compiling it there";
        assertThat(problems("grab.groovy")).containsExactly(
                "2:1: annotation @GrabResolver" + why,
                "3:1: annotation @GrabConfig" + why,
                "4:1: annotation @Grab" + why);
    }

    @Test
    void haltAndExitAreRefusedAtLoadSoABodyCannotStopTheEngine() throws Exception {
        assertThat(problems("halt.groovy")).containsExactly(
                "4:22: property 'class' is not available in a runbook: " + STEP_CALLS,
                "5:13: method 'getRuntime' is not available in a runbook: " + METHODS,
                "6:5: class java.lang.System is not available in a runbook: " + STEP_CALLS,
                "7:5: 'owner' is not available in a runbook: " + STEP_CALLS,
                "8:10: property 'class' is not available in a runbook: " + STEP_CALLS);
    }

    @Test
    void dynamicMethodAndPropertyNamesAreRefusedWithAMessageNotAnNpe() throws Exception {
        assertThat(problems("dynamic-names.groovy")).containsExactly(
                "5:5: a method name computed at run time (\"${...}\"()) is not available in a runbook: call a "
                        + "method by its name, like trim(x)",
                "6:11: a property name computed at run time (x.\"${...}\") is not available in a runbook: read a "
                        + "map entry with x[name]",
                "7:11: a method name computed at run time (\"${...}\"()) is not available in a runbook: call a "
                        + "method by its name, like trim(x)");
    }

    @Test
    void aDryRunOfAnEscapingBodyRunsNoCommandAndReadsNoEnvironment() throws Exception {
        Path marker = temp.resolve("dry-run-ran");
        Path directory = directoryWith("dry-run-escape.groovy");

        Cli dryRun = quench("run", "dry-run-escape", "--runbooks", directory.toString(), "--param",
                "marker=" + marker, "--dry-run");

        assertThat(marker).doesNotExist();
        assertThat(dryRun.out()).doesNotContain(System.getenv("PATH"))
                .contains(directory.resolve("dry-run-escape.groovy") + ":8:25: subscript ['class'] is not available in "
                        + "a runbook");
        assertThat(dryRun.exit()).isNotZero();
    }

    @Test
    void anApiDryRunOfAGroovyRunbookRunsNoCommandAndReadsNoEnvironment() throws Exception {
        Path marker = temp.resolve("api-dry-run-ran");
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.copy(ATTACKS.resolve("dry-run-escape.groovy"), runbooks.resolve("dry-run-escape.groovy"));
        Files.copy(ATTACKS.resolve("dry-run-steps-only.groovy"), runbooks.resolve("dry-run-steps-only.groovy"));

        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            assertThat(harness.engine().runbooks().problems().toString()).contains(runbooks.resolve("dry-run-escape.groovy")
                    + ":8:25: subscript ['class'] is not available in a runbook");
            HttpResponse<String> escape = harness.post("/api/v1/runs", ("{\"runbook\": \"dry-run-escape\", "
                    + "\"dryRun\": true, \"params\": {\"marker\": \"" + marker + "\"}}").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> steps = harness.post("/api/v1/runs", ("{\"runbook\": \"dry-run-steps-only\", "
                    + "\"dryRun\": true, \"params\": {\"marker\": \"" + marker + "\"}}").getBytes(StandardCharsets.UTF_8));

            assertThat(escape.statusCode()).as(escape.body()).isEqualTo(404);
            assertThat(escape.body()).doesNotContain(System.getenv("PATH"));
            assertThat(steps.statusCode()).as(steps.body()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode plan = dev.quench.core.util.Json.json().readTree(steps.body());
            assertThat(plan.get("steps")).extracting(step -> step.get("id").asText() + ": "
                    + step.get("rendered").get("command").asText())
                    .containsExactly("touch_0: touch " + marker, "touch_1: touch " + marker);
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void aDryRunOfAGroovyBodyHandsEveryStepCallToItsPluginAsADryRun() throws Exception {
        Path marker = temp.resolve("dry-run-ran");
        Path directory = directoryWith("dry-run-steps-only.groovy");

        Cli dryRun = quench("run", "dry-run-steps-only", "--runbooks", directory.toString(), "--param",
                "marker=" + marker, "--dry-run");

        assertThat(dryRun.exit()).as(dryRun.out()).isZero();
        assertThat(marker).doesNotExist();
        assertThat(dryRun.out()).contains("touch_0", "touch_1", "command: touch " + marker);
    }

    @Test
    void aSubscriptNamedAtRunTimeCannotReachTheClassOfAValue() throws Exception {
        Path directory = directoryWith("runtime-subscript.groovy");

        Cli run = quench("run", "runtime-subscript", "--runbooks", directory.toString(), "--dry-run");

        assertThat(run.exit()).isNotZero();
        assertThat(run.out()).contains("echo 'a label called class is fine'")
                .contains("the runbook body failed: " + directory.resolve("runtime-subscript.groovy")
                        + ":7: subscript ['class'] is not available in a runbook")
                .doesNotContain("never");
    }

    @Test
    void aGlobalAstTransformationOnTheClassPathDoesNotRunWhenARunbookIsCompiled() throws Exception {
        Path marker = temp.resolve("global-transformation-ran");
        Path directory = directoryWith("everyday-code.groovy");
        RunbookLoadResult result;
        System.setProperty(MarkerGlobalTransformation.MARKER_PROPERTY, marker.toString());
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            result = new RunbookLoader(plugins).load(directory.resolve("everyday-code.groovy"));
        } finally {
            System.clearProperty(MarkerGlobalTransformation.MARKER_PROPERTY);
        }

        assertThat(result.problems()).isEmpty();
        assertThat(result.runbooks()).hasSize(1);
        assertThat(marker).doesNotExist();
    }

    @Test
    void theDocumentedMethodAllowListIsTheOneTheCheckerUses() throws Exception {
        String page = Files.readString(Path.of("../../docs/groovy-security.md"));
        String section = page.substring(page.indexOf("## The methods a runbook may call"), page.indexOf("Operators ("));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("`([A-Za-z]+)`").matcher(section);
        while (name.find()) {
            documented.add(name.group(1));
        }

        assertThat(documented).isEqualTo(new java.util.TreeSet<>(GroovySecurity.METHODS));
    }

    @Test
    void everydayGroovyStillLoadsAndRuns() throws Exception {
        Path directory = directoryWith("everyday-code.groovy");

        Cli run = quench("run", "everyday-code", "--runbooks", directory.toString(), "--dry-run");

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("command: echo a,b,c-2 91 11 web-1 1 no-alert", "item_1", "item_2");
    }
}
