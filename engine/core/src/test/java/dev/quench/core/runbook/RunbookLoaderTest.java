package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.StepResult;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.expr.ExpressionScope;
import dev.quench.core.expr.StepConfigRenderer;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookLoaderTest {

    private static final Path VALID = Path.of("src/test/resources/runbooks/valid");
    private static final String MINIMAL = """
            name: %s
            steps:
              - id: a
                uses: shell.exec
                with: {command: "true"}
            """;

    private final RunbookLoader loader = new RunbookLoader(new TestStepCatalog());

    @Test
    void loadsTheDesignExampleIntoTheModel() {
        Runbook runbook = loader.load(VALID.resolve("disk-full-log-cleanup.yaml")).runbooks().getFirst();

        assertThat(runbook.name()).isEqualTo("disk-full-log-cleanup");
        assertThat(runbook.owner()).isEqualTo("storage-team");
        assertThat(runbook.manualMinutes()).isEqualTo(20);
        AlertTrigger trigger = runbook.alertTrigger().orElseThrow();
        assertThat(trigger.matchers()).containsExactly(LabelMatcherParser.parse("alertname=\"DiskSpaceLow\""),
                LabelMatcherParser.parse("severity=~\"warning|critical\""));
        assertThat(trigger.status()).isEqualTo(TriggerStatus.FIRING);
        assertThat(runbook.params()).extracting(ParamSpec::name).containsExactly("logDir", "maxAgeDays");
        assertThat(runbook.steps()).extracting(StepSpec::id).containsExactly("clean", "verify");
        StepSpec clean = runbook.steps().getFirst();
        assertThat(clean.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(clean.position()).isEqualTo(new SourcePosition(VALID.resolve("disk-full-log-cleanup.yaml"), 21, 5));
        assertThat(clean.retry()).isEqualTo(new RetryPolicy(2, Duration.ofSeconds(5), 1, java.util.Optional.empty()));
        assertThat(runbook.steps().get(1).timeout()).isEqualTo(StepSpec.DEFAULT_TIMEOUT);
        assertThat(runbook.schedule()).as("triggers.schedule, parsed at load").isPresent();
        assertThat(runbook.onFailure()).extracting(StepSpec::id, StepSpec::uses)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("onFailure_1", "http.request"));
        assertThat(runbook.approval()).isEqualTo(ApprovalPolicy.NONE);
        assertThat(runbook.guards().cooldown()).contains(Duration.ofMinutes(30));
        assertThat(runbook.guards().maxRunsPerHour()).hasValue(3);
    }

    @Test
    void aLoadedStepRendersWithAnAlert() {
        Runbook runbook = loader.load(VALID.resolve("disk-full-log-cleanup.yaml")).runbooks().getFirst();
        Alert alert = new Alert("alertmanager", "fp", AlertStatus.FIRING,
                Map.of("alertname", "DiskSpaceLow", "instance", "web-7:9100"), Map.of(), null, null, "");
        ExpressionScope scope = ExpressionScope.of(alert, runbook.resolveParams(Map.of("logDir", "/srv/my logs")),
                Map.of("clean", StepResult.ofExitCode(0, "", "")), Map.of(), Map.of());

        Map<String, Object> clean = StepConfigRenderer.render("clean", runbook.steps().getFirst().with(), scope,
                TestStepCatalog.ExecConfig.class);

        assertThat(clean).containsEntry("host", "web-7")
                .containsEntry("command", "find '/srv/my logs' -name '*.gz' -mtime +7 -delete");
    }

    @Test
    void resolvesParamsFromDefaultsAndOverrides() {
        Runbook runbook = loader.load(VALID.resolve("cache-flush.yml")).runbooks().getFirst();

        assertThat(runbook.resolveParams(Map.of("region", "eu-1"))).containsExactly(
                Map.entry("region", "eu-1"), Map.entry("dryRun", false));
        assertThatThrownBy(() -> runbook.resolveParams(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runbook 'cache-flush' needs param 'region': set it, e.g. --param region=...");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("region", "eu-1", "dryrun", "true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runbook 'cache-flush' has no param 'dryrun' — did you mean 'dryRun'? (declared: region, dryRun)");
        assertThat(runbook.alertTrigger()).isEmpty();
    }

    @Test
    void aDirectoryLoadsItsYamlFilesInNameOrderAndGoodFilesSurviveBadOnes(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("b.yml"), MINIMAL.formatted("bravo"));
        Files.writeString(directory.resolve("a.yaml"), MINIMAL.formatted("alpha"));
        Files.writeString(directory.resolve("c.yaml"), "name: charlie\nsteps: []\n");
        Files.writeString(directory.resolve("notes.txt"), "not a runbook");
        Files.createDirectory(directory.resolve("nested"));
        Files.writeString(directory.resolve("nested/d.yaml"), MINIMAL.formatted("delta"));

        RunbookLoadResult result = loader.load(directory);

        assertThat(result.runbooks()).extracting(Runbook::name).containsExactly("alpha", "bravo");
        assertThat(result.problems()).extracting(RunbookProblem::toString).containsExactly(directory.resolve("c.yaml")
                + ":2:8: steps must be a list with at least one step (- id: ..., uses: ...), found a list");
        assertThat(result.ok()).isFalse();
    }

    @Test
    void aDuplicateNameIsReportedOnTheSecondFileNamingTheFirst(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("one.yaml"), MINIMAL.formatted("same"));
        Files.writeString(directory.resolve("two.yaml"), "# copy\n" + MINIMAL.formatted("same"));

        RunbookLoadResult result = loader.load(directory);

        assertThat(result.runbooks()).extracting(Runbook::source).containsExactly(directory.resolve("one.yaml"));
        assertThat(result.problems()).extracting(RunbookProblem::toString).containsExactly(directory.resolve("two.yaml")
                + ":2:7: duplicate runbook name 'same': " + directory.resolve("one.yaml")
                + ":1:7 already uses it; runbook names must be unique");
    }

    @Test
    void fileLevelProblems(@TempDir Path directory) throws Exception {
        Files.write(directory.resolve("latin1.yaml"), new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9});
        Files.writeString(directory.resolve("empty.yaml"), "");
        Files.writeString(directory.resolve("huge.yaml"), "#".repeat((int) RunbookLoader.MAX_FILE_BYTES + 1));
        Files.writeString(directory.resolve("two-docs.yaml"), MINIMAL.formatted("x") + "---\nname: y\n");

        List<String> problems = loader.load(directory).problems().stream().map(RunbookProblem::toString).toList();

        assertThat(problems).containsExactly(
                directory.resolve("empty.yaml") + ":1:1: the file is empty: a runbook needs at least name: and steps:",
                directory.resolve("huge.yaml") + ":1:1: file is larger than 1024 KiB: split it into several runbooks",
                directory.resolve("latin1.yaml") + ":1:1: file is not valid UTF-8: save it as UTF-8",
                directory.resolve("two-docs.yaml") + ":7:1: a second YAML document (---) in the file: write one runbook per file");
        assertThatThrownBy(() -> loader.load(directory.resolve("missing"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("runbooks path does not exist");
    }

    @Test
    void problemToStringIsFileLineColumnMessage() {
        assertThat(new RunbookProblem(Path.of("runbooks/disk.yaml"), 14, 9, "unknown step type 'x'"))
                .hasToString("runbooks/disk.yaml:14:9: unknown step type 'x'");
    }
}
