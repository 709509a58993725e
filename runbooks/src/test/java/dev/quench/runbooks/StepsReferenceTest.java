package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookSchema;
import dev.quench.core.runbook.StepReference;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/steps.md, the step-type reference, is generated from the shipped plugins' configuration records
 * ({@code @StepDoc}, {@code @StepField}, {@code @Required}): the committed page equals what they generate
 * (rewrite it with {@link StepReference#REGENERATE}), every step type and field is described, and every
 * example in it loads as a runbook and passes the editor schema.
 */
class StepsReferenceTest {

    private static final Path REFERENCE = Path.of("../docs/steps.md");

    @Test
    void theCommittedReferenceIsWhatTheAnnotationsGenerate() throws IOException {
        String generated;
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            generated = StepReference.generate(plugins);
        }
        if (Boolean.getBoolean("quench.schema.write")) {
            Files.writeString(REFERENCE, generated);
        }
        assertThat(Files.readString(REFERENCE)).as("%s is stale: regenerate it with %s", REFERENCE,
                StepReference.REGENERATE).isEqualTo(generated);
    }

    @Test
    void everyShippedStepTypeAndEachOfItsFieldsIsDescribed() {
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            assertThat(StepReference.undocumented(plugins))
                    .as("give each configuration record a @StepDoc and each component a @StepField (engine/api)")
                    .isEmpty();
            assertThat(StepReference.generate(plugins)).contains("## `shell.exec`", "## `ssh.exec`",
                    "## `http.request`", "## `wait`", "## `notify`", "## `prometheus.query`",
                    "| `expect.below` | number | no | |",
                    "| `command` | text | yes | | the command the remote login shell runs;",
                    "| `concurrency` | integer | no | `10` |",
                    "| `host` | text | one of `host`, `hosts`, `selector` |",
                    "| `tls.caFile` | text | no | the JDK's trusted CAs |");
        }
    }

    @Test
    void everyExampleLoadsAsARunbookAndPassesTheEditorSchema() throws IOException {
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                    .getSchema(RunbookSchema.generate(plugins));
            RunbookLoader loader = new RunbookLoader(plugins);
            for (String type : plugins.types()) {
                String example = StepReference.example(plugins, type).orElseThrow();
                assertThat(example).as("the example of %s", type).contains("uses: " + type + "\n");
                String runbook = """
                        name: example
                        triggers:
                          alert: {matchers: ['alertname="Example"']}
                        steps:
                        """ + example.strip().lines().map(line -> "  " + line).collect(Collectors.joining("\n")) + "\n";
                RunbookLoadResult result = loader.loadSource(Path.of(type + ".yaml"), runbook);
                assertThat(result.problems()).as("the example of %s, loaded as:%n%s", type, runbook).isEmpty();
                assertThat(schema.validate(Json.yaml().readTree(runbook))).as("the example of %s against the schema", type)
                        .isEmpty();
            }
        }
    }

    @Test
    void runbooksDocumentationLinksTheStepReference() throws IOException {
        assertThat(Files.readString(Path.of("../docs/runbooks.md"))).contains("(steps.md)");
    }
}
