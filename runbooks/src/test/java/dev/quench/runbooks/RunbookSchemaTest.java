package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookSchema;
import dev.quench.core.runbook.StepReference;
import dev.quench.core.runbook.load.RunbookLoader;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runbook JSON Schema: the copy in the jar and in docs/ equal what {@link RunbookSchema}
 * generates for the shipped plugins (rewrite both with {@link StepReference#REGENERATE}), it carries the
 * descriptions and defaults the plugins' annotations give, and it accepts every shipped runbook and refuses
 * misspelt ones.
 */
class RunbookSchemaTest {

    private static final Path IN_JAR = Path.of("../engine/core/src/main/resources").resolve(RunbookSchema.RESOURCE);
    private static final Path IN_DOCS = Path.of("../docs/runbook.schema.json");

    private static String generated() throws IOException {
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            return Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(RunbookSchema.generate(plugins)) + "\n";
        }
    }

    private static JsonSchema shippedSchema() throws IOException {
        try (InputStream in = RunbookSchema.class.getClassLoader().getResourceAsStream(RunbookSchema.RESOURCE)) {
            assertThat(in).as(RunbookSchema.RESOURCE + " in the engine jar").isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(Json.json().readTree(in));
        }
    }

    private static Set<ValidationMessage> validate(String yaml) throws IOException {
        return shippedSchema().validate(Json.yaml().readTree(yaml));
    }

    @Test
    void theShippedSchemaIsWhatTheCodeGenerates() throws IOException {
        String schema = generated();
        if (Boolean.getBoolean("quench.schema.write")) {
            Files.writeString(IN_JAR, schema);
            Files.writeString(IN_DOCS, schema);
        }
        assertThat(Files.readString(IN_JAR)).as("%s is stale: regenerate it with %s", IN_JAR, StepReference.REGENERATE)
                .isEqualTo(schema);
        assertThat(Files.readString(IN_DOCS)).as("%s is stale: regenerate it with %s", IN_DOCS, StepReference.REGENERATE)
                .isEqualTo(schema);
    }

    @Test
    void editorsSeeEachFieldsDescriptionAndDefaultTypedAsWritten() throws IOException {
        JsonNode definitions;
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            definitions = RunbookSchema.generate(plugins).path("definitions");
        }
        JsonNode http = definitions.path("with:http.request");
        assertThat(http.path("description").asText()).startsWith("One HTTP request.");
        assertThat(http.at("/properties/method/default").asText()).isEqualTo("GET");
        assertThat(http.at("/properties/method/description").asText()).contains("POST");
        assertThat(http.at("/properties/followRedirects/default").isBoolean()).isTrue();
        assertThat(http.at("/properties/tls/description").asText()).endsWith("(when absent: the JDK's CAs, full verification)");
        assertThat(http.at("/properties/tls/anyOf/0/properties/caFile/description").asText()).contains("PEM file");
        JsonNode ssh = definitions.path("with:ssh.exec");
        assertThat(ssh.at("/properties/concurrency/default").asInt()).isEqualTo(10);
        assertThat(ssh.at("/properties/concurrency/default").isNumber()).isTrue();
        assertThat(ssh.at("/properties/sudo/default").asBoolean(true)).isFalse();
        assertThat(ssh.at("/properties/hosts/description").asText())
                .as("Markdown links and code spans read as plain text in an editor")
                .isEqualTo("fan-out: inventory names or addresses, in rollout order (fanout.md)");
    }

    @Test
    void everyShippedRunbookValidatesAgainstTheSchema() throws IOException {
        List<Path> runbooks;
        try (Stream<Path> files = Files.list(Path.of("."))) {
            runbooks = files.filter(file -> RunbookLoader.isRunbookFile(file.getFileName().toString())).sorted().toList();
        }
        assertThat(runbooks).isNotEmpty();
        for (Path runbook : runbooks) {
            JsonNode document = Json.yaml().readTree(runbook.toFile());
            assertThat(shippedSchema().validate(document)).as(runbook.toString()).isEmpty();
            assertThat(Files.readString(runbook, StandardCharsets.UTF_8)).as(runbook + " names the schema for editors")
                    .contains("# yaml-language-server: $schema=");
        }
    }

    @Test
    void theSchemaRefusesMisspeltFieldsAndOutOfRangeValues() throws IOException {
        String base = """
                name: typo
                steps:
                  - id: a
                    uses: ssh.exec
                    with: {host: web-7, command: "true", %s}
                    retry: {attempts: %d}
                """;
        assertThat(validate(base.formatted("sudo: true", 3))).isEmpty();
        assertThat(validate(base.formatted("sudo: '${{ params.sudo }}'", 3))).isEmpty();
        assertThat(validate(base.formatted("comand: x", 3))).extracting(ValidationMessage::getMessage)
                .anySatisfy(message -> assertThat(message).contains("comand"));
        assertThat(validate(base.formatted("sudo: true", 50))).extracting(ValidationMessage::getMessage)
                .anySatisfy(message -> assertThat(message).contains("attempts"));
        assertThat(validate("name: x\nsteps:\n  - uses: shell.exec\n")).isNotEmpty();
    }

    @Test
    void theSchemaRequiresWhatThePluginsMarkRequired() throws IOException {
        String step = "name: x\nsteps:\n  - id: a\n    uses: ssh.exec\n    with: {%s}\n";
        assertThat(validate(step.formatted("host: web-7, command: uptime"))).isEmpty();
        assertThat(validate(step.formatted("selector: role=web, command: uptime"))).isEmpty();
        assertThat(validate(step.formatted("command: uptime"))).isNotEmpty();
        assertThat(validate(step.formatted("host: web-7"))).extracting(ValidationMessage::getMessage)
                .anySatisfy(message -> assertThat(message).contains("command"));
        assertThat(validate("name: x\nsteps:\n  - id: a\n    uses: http.request\n")).isNotEmpty();
    }
}
