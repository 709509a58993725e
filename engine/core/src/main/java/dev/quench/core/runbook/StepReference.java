package dev.quench.core.runbook;

import dev.quench.api.StepDoc;
import dev.quench.core.plugin.StepCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The step-type reference ({@code docs/steps.md}) in Markdown: for each step type its summary, a table of the
 * fields of its {@code with:} block (type, required, default, meaning) and one example, all read from the
 * configuration records' {@link StepDoc} and {@link dev.quench.api.StepField} annotations, the same source
 * as {@link RunbookSchema}. Stateless.
 */
public final class StepReference {

    /** How to rewrite the committed docs from the annotations; failure messages name it. */
    public static final String REGENERATE = "./mvnw -o -q -B -pl runbooks -am test "
            + "-Dtest='RunbookSchemaTest,StepsReferenceTest' -Dsurefire.failIfNoSpecifiedTests=false "
            + "-Dquench.schema.write=true";

    private static final String HEADER = """
            # Step types

            <!-- Generated from the plugins' configuration records (@StepDoc, @StepField, @Required in engine/api).
                 Do not edit: change the annotations and run
                 %s -->

            Every step type Quench ships, with each field of its `with:` block: its type, whether it is required,
            and what an absent field means. The fields every step has (`id`, `uses`, `when`, `timeout`, `retry`,
            `continueOnError`, `outputs`, `forEach`) are in [runbooks.md](runbooks.md#steps). `quench validate`
            refuses an unknown field with a did-you-mean, and the editor schema
            ([runbook.schema.json](runbook.schema.json)) completes these fields and shows the same descriptions.

            Values may hold `${{ }}` expressions. A value inserted into a shell command (`command`, `script`,
            `env`, `args`) is shell-quoted as one word; `raw(...)` opts out. Durations are written `500ms`,
            `30s`, `5m`, `1h30m`.

            Groovy is not a step type: a Groovy runbook (`*.groovy`) calls these same step types from code
            ([runbooks.md](runbooks.md#groovy-runbooks-groovy)). A plugin jar adds its own types
            ([plugins.md](plugins.md)); the error for an unknown `uses:` lists the types an engine has.
            """;

    private StepReference() {
    }

    /** The reference for the step types of {@code catalog}, in the order of their names. */
    public static String generate(StepCatalog catalog) {
        StringBuilder markdown = new StringBuilder(HEADER.formatted(REGENERATE));
        for (String type : new TreeSet<>(catalog.types())) {
            catalog.configType(type).ifPresent(config -> section(markdown, type, config));
        }
        return markdown.toString();
    }

    /**
     * What the annotations leave out, one line per gap ({@code ssh.exec: no @StepDoc}, {@code ssh.exec: port has
     * no @StepField}); empty when every step type and field is documented.
     */
    public static List<String> undocumented(StepCatalog catalog) {
        List<String> gaps = new ArrayList<>();
        for (String type : new TreeSet<>(catalog.types())) {
            catalog.configType(type).ifPresent(config -> {
                if (!config.isAnnotationPresent(StepDoc.class)) {
                    gaps.add(type + ": " + config.getName() + " has no @StepDoc");
                }
                ConfigField.undocumented(config).forEach(field ->
                        gaps.add(type + ": " + field + " (" + config.getSimpleName() + ") has no @StepField"));
            });
        }
        return gaps;
    }

    /** The example step of each documented type, as written in {@link StepDoc#example()}. */
    public static Optional<String> example(StepCatalog catalog, String type) {
        return catalog.configType(type).map(config -> config.getAnnotation(StepDoc.class)).map(StepDoc::example);
    }

    private static void section(StringBuilder markdown, String type, Class<? extends Record> config) {
        Optional<StepDoc> doc = Optional.ofNullable(config.getAnnotation(StepDoc.class));
        markdown.append("\n## `").append(type).append("`\n\n");
        markdown.append(doc.map(StepDoc::summary).orElse("The plugin describes this step type nowhere.").strip())
                .append("\n\n");
        markdown.append("| field | type | required | default | meaning |\n|---|---|---|---|---|\n");
        rows(markdown, "", ConfigField.of(config));
        doc.ifPresent(steps -> {
            markdown.append("\nExample:\n\n```yaml\n").append(steps.example().strip()).append("\n```\n");
            if (!steps.notes().isBlank()) {
                markdown.append('\n').append(steps.notes().strip()).append('\n');
            }
        });
    }

    private static void rows(StringBuilder markdown, String prefix, List<ConfigField> fields) {
        for (ConfigField field : fields) {
            Stream.of("`" + prefix + field.name() + "`", field.typeName(), field.requiredText(), field.defaultText(),
                            field.description())
                    .map(StepReference::cell)
                    .forEach(cell -> markdown.append(cell.isEmpty() ? "| " : "| " + cell + " "));
            markdown.append("|\n");
            field.nestedRecord().ifPresent(nested ->
                    rows(markdown, prefix + field.name() + ".", ConfigField.of(nested)));
        }
    }

    /** One table cell: a pipe would end the cell and a line break the row. */
    private static String cell(String text) {
        return text.strip().replace("|", "\\|").replaceAll("\\s*\\R\\s*", " ");
    }
}
