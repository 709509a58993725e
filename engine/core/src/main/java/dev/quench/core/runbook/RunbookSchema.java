package dev.quench.core.runbook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import dev.quench.core.plugin.StepCatalog;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The JSON Schema (draft-07) of the runbook format, for editors ({@code # yaml-language-server:
 * $schema=...}) and checks. Each step type's {@code with:} part is derived from its configuration
 * record, so it cannot drift from the code. Editors check shape only; {@code quench validate}
 * checks everything (expressions, references, matcher syntax) with positions. The shipped copy is
 * {@link #RESOURCE}; a test keeps it equal to what this class generates for the shipped plugins.
 */
public final class RunbookSchema {

    /** Where the generated schema ships in the jar. */
    public static final String RESOURCE = "dev/quench/core/runbook/runbook.schema.json";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String TEMPLATE = ".*\\$\\{\\{.*\\}\\}.*";
    private static final String DURATION = "^(\\d+(ms|s|m|h|d))+$|^[pP].+$";

    private RunbookSchema() {
    }

    /** The schema for runbooks using the step types of {@code catalog}. */
    public static ObjectNode generate(StepCatalog catalog) {
        ObjectNode schema = JSON.objectNode();
        schema.put("$schema", "http://json-schema.org/draft-07/schema#");
        schema.put("$id", "https://quench.dev/schemas/runbook.schema.json");
        schema.put("title", "Quench runbook");
        schema.put("description", "A Quench runbook. See docs/runbooks.md; `quench validate` checks what a schema cannot.");
        schema.put("type", "object");
        schema.putArray("required").add("name").add("steps");
        schema.put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        properties.set("name", described(string().put("pattern", "^[a-z0-9-]+$"), "unique name, like disk-full-log-cleanup"));
        properties.set("description", string());
        properties.set("owner", described(string(), "the team that owns it, for the toil ledger"));
        ObjectNode toil = closedObject();
        ObjectNode toilProperties = toil.putObject("properties");
        toilProperties.set("manualMinutes", described(type("integer").put("minimum", 0),
                "what handling the alert by hand costs an engineer"));
        toilProperties.set("replaces", described(string().put("pattern", "^([0-9]+(ms|s|m|h|d))+$"),
                "for scheduled runs: how often the manual task they replace was done by hand (1d, 7d); a scheduled "
                        + "run saves manualMinutes at most once per this period, nothing without it"));
        properties.set("toil", toil);
        properties.set("triggers", triggers());
        properties.set("params", params());
        properties.set("guards", GuardsSchema.guards());
        properties.set("approval", GuardsSchema.approval());
        properties.set("resumable", described(type("boolean"), "run again from the start on another node when the "
                + "node running it dies inside a step (default false: recorded interrupted, not repeated)"));
        properties.set("steps", steps(true, "the steps, in order"));
        properties.set("verify", steps(false, "checks after the steps succeeded, each repeated every `every` (default "
                + "15s) until it passes or its timeout (default 5m) ends; one that never passes fails the run as not "
                + "recovered (no retry: or continueOnError in verify)"));
        properties.set("onFailure", steps(false, "steps run after a step failed and stopped the run, or a verify step "
                + "never passed"));
        properties.set("finally", steps(false, "steps run at the end of every run"));
        ObjectNode definitions = schema.putObject("definitions");
        definitions.set("step", step(catalog));
        definitions.set("condition", described(types("boolean", "string"),
                "true, false, or one expression: ${{ steps.check.exitCode != 0 }}"));
        for (String type : new TreeSet<>(catalog.types())) {
            catalog.configType(type).ifPresent(config -> definitions.set("with:" + type, record(config)));
        }
        return schema;
    }

    private static ObjectNode triggers() {
        ObjectNode triggers = closedObject();
        ObjectNode properties = triggers.putObject("properties");
        ObjectNode alert = closedObject();
        ObjectNode alertProperties = alert.putObject("properties");
        ObjectNode matchers = type("array").put("minItems", 1);
        matchers.set("items", string());
        alertProperties.set("matchers", described(matchers, "Alertmanager matchers, all must match: 'alertname=\"X\"'"));
        alertProperties.set("status", enumOf(List.of("firing", "resolved", "any")));
        alert.putArray("required").add("matchers");
        properties.set("alert", alert);
        ObjectNode schedule = type("object");
        schedule.putObject("properties").set("cron", string());
        ((ObjectNode) schedule.get("properties")).set("timezone", string());
        ((ObjectNode) schedule.get("properties")).set("enabled", described(type("boolean"),
                "false keeps the schedule written but inactive (default true)"));
        properties.set("schedule", schedule);
        properties.set("manual", JSON.objectNode());
        return triggers;
    }

    private static ObjectNode params() {
        ObjectNode params = type("object");
        params.putObject("propertyNames").put("pattern", "^[A-Za-z_][A-Za-z0-9_]*$");
        ObjectNode spec = closedObject();
        ObjectNode properties = spec.putObject("properties");
        properties.set("type", described(enumOf(ParamType.names()), "the param's type; without one, values are text"));
        properties.set("default", types("string", "number", "boolean", "null", "array", "object"));
        properties.set("required", type("boolean"));
        properties.set("description", string());
        properties.set("site", described(type("boolean"), "site configuration: the value is the default or the "
                + "site's (params: in quench.yaml); a run request that sets it is refused"));
        ArrayNode oneOf = params.putObject("additionalProperties").putArray("oneOf");
        oneOf.add(types("string", "number", "boolean", "null"));
        oneOf.add(spec);
        return params;
    }

    private static ObjectNode steps(boolean idRequired, String description) {
        ObjectNode steps = described(type("array"), description);
        if (idRequired) {
            steps.put("minItems", 1);
            ArrayNode allOf = steps.putObject("items").putArray("allOf");
            allOf.addObject().put("$ref", "#/definitions/step");
            allOf.addObject().putArray("required").add("id");
        } else {
            steps.putObject("items").put("$ref", "#/definitions/step");
        }
        return steps;
    }

    private static ObjectNode step(StepCatalog catalog) {
        ObjectNode step = closedObject();
        step.putArray("required").add("uses");
        ObjectNode properties = step.putObject("properties");
        properties.set("id", described(string().put("pattern", "^[A-Za-z_][A-Za-z0-9_]*$"),
                "read by later steps as steps.<id>"));
        properties.set("uses", enumOf(new TreeSet<>(catalog.types())));
        properties.set("with", type("object"));
        properties.putObject("when").put("$ref", "#/definitions/condition");
        properties.set("timeout", described(string().put("pattern", DURATION), "like 30s, 5m, 1h30m"));
        ObjectNode retryObject = closedObject();
        retryObject.putArray("required").add("attempts");
        ObjectNode retry = retryObject.putObject("properties");
        retry.set("attempts", type("integer").put("minimum", 1).put("maximum", 10));
        retry.set("delay", string().put("pattern", DURATION));
        retry.set("backoff", type("number").put("minimum", 1).put("maximum", 10));
        retry.putObject("retryOn").put("$ref", "#/definitions/condition");
        ArrayNode retryForms = properties.putObject("retry").putArray("oneOf");
        retryForms.add(type("integer").put("minimum", 1).put("maximum", 10));
        retryForms.add(retryObject);
        properties.set("continueOnError", type("boolean"));
        properties.set("every", described(string().put("pattern", DURATION), "verify steps only: the time between "
                + "checks, at least 1s, shorter than timeout (default 15s)"));
        ObjectNode outputs = type("object");
        outputs.putObject("propertyNames").put("pattern", "^[A-Za-z_][A-Za-z0-9_]*$");
        outputs.set("additionalProperties", types("string", "number", "boolean"));
        properties.set("outputs", outputs);
        ObjectNode forEach = described(JSON.objectNode(), "run the step once per item (a list, or one ${{ }} "
                + "expression giving a list), read as ${{ item }} and ${{ itemIndex }}");
        ArrayNode forEachForms = forEach.putArray("oneOf");
        forEachForms.add(type("array").put("minItems", 1).put("maxItems", ForEach.MAX_ITEMS));
        forEachForms.add(string().put("pattern", TEMPLATE));
        properties.set("forEach", forEach);
        properties.set("concurrency", described(type("integer").put("minimum", 1).put("maximum", ForEach.MAX_CONCURRENCY),
                "with forEach: how many items run at once (default 1)"));
        ArrayNode byType = step.putArray("allOf");
        for (String type : new TreeSet<>(catalog.types())) {
            ObjectNode rule = byType.addObject();
            rule.putObject("if").putObject("properties").putObject("uses").put("const", type);
            ObjectNode then = rule.putObject("then");
            then.putObject("properties").putObject("with").put("$ref", "#/definitions/with:" + type);
            if (catalog.configType(type).map(RunbookSchema::hasRequired).orElse(false)) {
                then.putArray("required").add("with");
            }
        }
        return step;
    }

    /**
     * A configuration record as a closed object; every value may also be a ${{ }} template. Its
     * {@link Required} components are required (one of them, where it names alternatives); each
     * component's {@link StepField} gives its description and default, the record's {@link StepDoc} the
     * object's description.
     */
    private static ObjectNode record(Class<?> recordType) {
        ObjectNode schema = closedObject();
        StepDoc doc = recordType.getAnnotation(StepDoc.class);
        if (doc != null) {
            schema.put("description", plain(doc.summary()));
        }
        ObjectNode properties = schema.putObject("properties");
        List<ConfigField> fields = ConfigField.of(recordType);
        for (ConfigField field : fields) {
            ObjectNode value = valueSchema(field.type());
            if (!field.description().isEmpty()) {
                String absent = field.defaultValue().isEmpty() && !field.defaultText().isEmpty()
                        ? " (when absent: " + field.defaultText() + ")" : "";
                value.put("description", plain(field.description() + absent));
            }
            field.defaultValue().ifPresent(text -> value.set("default", defaultNode(recordType, field, text)));
            properties.set(field.name(), value);
        }
        ArrayNode required = JSON.arrayNode();
        ArrayNode oneOfSeveral = JSON.arrayNode();
        for (ConfigField field : fields) {
            Required marked = field.required().orElse(null);
            if (marked == null) {
                continue;
            }
            if (marked.or().length == 0) {
                required.add(field.name());
                continue;
            }
            ArrayNode anyOf = oneOfSeveral.addObject().putArray("anyOf");
            anyOf.addObject().putArray("required").add(field.name());
            for (String alternative : marked.or()) {
                anyOf.addObject().putArray("required").add(alternative);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        if (!oneOfSeveral.isEmpty()) {
            schema.set("allOf", oneOfSeveral);
        }
        return schema;
    }

    /** A {@link StepField#defaultValue()} as a JSON value of the field's type, so editors insert it as written. */
    private static JsonNode defaultNode(Class<?> recordType, ConfigField field, String text) {
        Class<?> raw = field.rawType();
        try {
            if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
                return JSON.numberNode(Long.parseLong(text));
            }
            if (raw == Double.class || raw == double.class) {
                return JSON.numberNode(Double.parseDouble(text));
            }
        } catch (NumberFormatException e) {
            throw new IllegalStateException(recordType.getName() + "." + field.name() + ": @StepField(defaultValue = \""
                    + text + "\") is not a number", e);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            if (!text.equals("true") && !text.equals("false")) {
                throw new IllegalStateException(recordType.getName() + "." + field.name()
                        + ": @StepField(defaultValue = \"" + text + "\") is not true or false");
            }
            return JSON.booleanNode(Boolean.parseBoolean(text));
        }
        return JSON.textNode(text);
    }

    /**
     * Editors show a description as plain text: Markdown code spans lose their backticks, a link keeps its
     * text, lines join.
     */
    private static String plain(String markdown) {
        return markdown.strip().replace("`", "").replaceAll("\\[([^\\]]+)]\\([^)]*\\)", "$1")
                .replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean hasRequired(Class<?> recordType) {
        return Stream.of(recordType.getRecordComponents()).anyMatch(component -> component.isAnnotationPresent(Required.class));
    }

    private static ObjectNode valueSchema(Type type) {
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType()
                : type instanceof Class<?> plain ? plain : Object.class;
        if (raw == String.class) {
            return string();
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return orTemplate(type("integer"));
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return orTemplate(type("boolean"));
        }
        if (Number.class.isAssignableFrom(raw) || raw == double.class) {
            return orTemplate(type("number"));
        }
        if (raw == Duration.class) {
            return string();
        }
        if (raw.isRecord()) {
            return orTemplate(record(raw));
        }
        if (Collection.class.isAssignableFrom(raw)) {
            ObjectNode array = type("array");
            if (type instanceof ParameterizedType parameterized) {
                array.set("items", valueSchema(parameterized.getActualTypeArguments()[0]));
            }
            return orTemplate(array);
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode map = type("object");
            if (type instanceof ParameterizedType parameterized) {
                map.set("additionalProperties", valueSchema(parameterized.getActualTypeArguments()[1]));
            }
            return orTemplate(map);
        }
        return JSON.objectNode();
    }

    private static ObjectNode orTemplate(ObjectNode schema) {
        ObjectNode either = JSON.objectNode();
        ArrayNode anyOf = either.putArray("anyOf");
        anyOf.add(schema);
        anyOf.add(string().put("pattern", TEMPLATE));
        return either;
    }

    private static ObjectNode closedObject() {
        return type("object").put("additionalProperties", false);
    }

    private static ObjectNode string() {
        return type("string");
    }

    private static ObjectNode type(String name) {
        return JSON.objectNode().put("type", name);
    }

    private static ObjectNode types(String... names) {
        ObjectNode schema = JSON.objectNode();
        ArrayNode array = schema.putArray("type");
        for (String name : names) {
            array.add(name);
        }
        return schema;
    }

    private static ObjectNode enumOf(Collection<String> values) {
        ObjectNode schema = JSON.objectNode();
        ArrayNode array = schema.putArray("enum");
        values.forEach(array::add);
        return schema;
    }

    private static ObjectNode described(ObjectNode schema, String description) {
        return schema.put("description", description);
    }
}
