package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.RunbookSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/steps.md, the step-type reference, describes exactly the step types the shipped plugins
 * register and exactly the fields of each one's {@code with:} block: a field added to a plugin's
 * configuration record and not documented, or documented and gone, fails the build.
 */
class StepsReferenceTest {

    private static final Path REFERENCE = Path.of("../docs/steps.md");
    private static final Pattern SECTION = Pattern.compile("(?m)^## `([a-z0-9.]+)`$");
    private static final Pattern FIELD_ROW = Pattern.compile("(?m)^\\| ((?:`[A-Za-z]+`(?:, )?)+) \\|");
    private static final Pattern NAME = Pattern.compile("`([A-Za-z]+)`");

    /** Step type → the fields its table lists. */
    private static Map<String, Set<String>> documented() throws IOException {
        String text = Files.readString(REFERENCE);
        Map<String, Set<String>> byType = new LinkedHashMap<>();
        Matcher section = SECTION.matcher(text);
        int start = -1;
        String type = null;
        while (true) {
            boolean found = section.find();
            if (type != null) {
                byType.put(type, fields(text.substring(start, found ? section.start() : text.length())));
            }
            if (!found) {
                return byType;
            }
            type = section.group(1);
            start = section.end();
        }
    }

    private static Set<String> fields(String sectionText) {
        Set<String> fields = new TreeSet<>();
        Matcher row = FIELD_ROW.matcher(sectionText);
        while (row.find()) {
            Matcher name = NAME.matcher(row.group(1));
            while (name.find()) {
                fields.add(name.group(1));
            }
        }
        return fields;
    }

    @Test
    void theStepReferenceListsEveryShippedStepTypeAndEachOfItsFields() throws IOException {
        Map<String, Set<String>> documented = documented();
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            assertThat(documented.keySet()).as("step types in %s", REFERENCE)
                    .containsExactlyInAnyOrderElementsOf(plugins.types());
            JsonNode definitions = RunbookSchema.generate(plugins).path("definitions");
            for (String type : plugins.types()) {
                Set<String> actual = new TreeSet<>();
                definitions.path("with:" + type).path("properties").fieldNames().forEachRemaining(actual::add);
                assertThat(actual).as("the with: fields of %s", type).isNotEmpty();
                assertThat(documented.get(type)).as("the fields %s documents for %s", REFERENCE, type)
                        .containsExactlyInAnyOrderElementsOf(actual);
            }
        }
    }

    @Test
    void runbooksDocumentationLinksTheStepReference() throws IOException {
        assertThat(Files.readString(Path.of("../docs/runbooks.md"))).contains("(steps.md)");
    }
}
