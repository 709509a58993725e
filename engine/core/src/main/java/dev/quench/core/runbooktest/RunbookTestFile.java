package dev.quench.core.runbooktest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.core.alert.SampleAlerts;
import dev.quench.core.util.DidYouMean;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A runbook test file ({@code *.test.yaml} beside the runbooks), read strictly: an unknown field
 * is an error with a did-you-mean, so a misspelt expectation never passes silently.
 *
 * @param file    where it came from
 * @param cases   its tests, in order
 */
public record RunbookTestFile(Path file, List<RunbookTestCase> cases) {

    private static final Set<String> FILE_FIELDS = ordered("runbook", "tests");
    private static final Set<String> CASE_FIELDS = ordered("name", "runbook", "alert", "params", "env", "secrets",
            "steps", "matches", "expect");
    private static final Set<String> CANNED_FIELDS = ordered("stdout", "stderr", "exitCode", "status", "body",
            "failed", "outputs");
    private static final Set<String> EXPECT_FIELDS = ordered("status", "ran", "steps", "verify");
    private static final Set<String> STEP_EXPECT_FIELDS = ordered("status", "with", "message");
    private static final Set<String> STEP_STATUSES = ordered("succeeded", "failed", "skipped", "notRun");
    private static final long MAX_BYTES = 1 << 20;

    public RunbookTestFile {
        cases = List.copyOf(cases);
    }

    /** Whether {@code file} is named like a runbook test. */
    public static boolean isTestFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".test.yaml") || name.endsWith(".test.yml");
    }

    /** Reads {@code file}; throws {@link TestFileException} naming the file and test when it is malformed. */
    public static RunbookTestFile read(Path file) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new TestFileException(file + ": larger than 1 MiB; split the tests into several files");
            }
            root = Json.yaml().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new TestFileException(file + ": not valid YAML: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new TestFileException(file + ": cannot read: " + e.getMessage(), e);
        }
        String where = file.toString();
        if (root == null || !root.isObject()) {
            throw new TestFileException(where + ": a runbook test file is a mapping with tests: (a list)");
        }
        checkKeys(root, FILE_FIELDS, where);
        Optional<String> fileRunbook = text(root, "runbook", where);
        JsonNode tests = root.path("tests");
        if (!tests.isArray() || tests.isEmpty()) {
            throw new TestFileException(where + ": tests: must be a list with at least one test");
        }
        List<RunbookTestCase> cases = new ArrayList<>();
        for (int index = 0; index < tests.size(); index++) {
            cases.add(readCase(tests.get(index), where + ": tests[" + (index + 1) + "]", fileRunbook));
        }
        return new RunbookTestFile(file, cases);
    }

    private static RunbookTestCase readCase(JsonNode node, String where, Optional<String> fileRunbook) {
        if (!node.isObject()) {
            throw new TestFileException(where + ": a test must be a mapping with name:, alert: or params:, expect:");
        }
        String name = text(node, "name", where).orElseThrow(() ->
                new TestFileException(where + ": every test needs a name:, saying what it shows"));
        String here = where + " '" + name + "'";
        checkKeys(node, CASE_FIELDS, here);
        Map<String, String> params = new LinkedHashMap<>();
        // Lists and maps (for params of type list or map) are passed as JSON text, as the API does.
        objectFields(node, "params", here).forEach((key, value) -> params.put(key, value.isValueNode() ? value.asText()
                : value.toString()));
        Map<String, StepResult> canned = new LinkedHashMap<>();
        objectFields(node, "steps", here).forEach((id, value) -> canned.put(id, canned(value, here + " steps." + id)));
        Optional<List<String>> matches = node.has("matches") ? Optional.of(textList(node.get("matches"), here + " matches"))
                : Optional.empty();
        if (!node.has("expect") && matches.isEmpty()) {
            throw new TestFileException(here + ": the test checks nothing: add expect: (like expect: {status: "
                    + "succeeded}) and/or matches: [runbook names]");
        }
        return new RunbookTestCase(name,
                node.has("alert") ? Optional.of(SampleAlerts.fromNode(node.get("alert"), here + " alert")) : Optional.empty(),
                params, text(node, "runbook", here).or(() -> fileRunbook), canned, matches,
                node.has("expect") ? Optional.of(expectation(node.get("expect"), here)) : Optional.empty(),
                texts(node, "env", here), texts(node, "secrets", here));
    }

    /** {@code env:} and {@code secrets:} of a test: canned values, so a test never needs the real ones. */
    private static Map<String, String> texts(JsonNode node, String field, String where) {
        Map<String, String> values = new LinkedHashMap<>();
        objectFields(node, field, where).forEach((key, value) -> {
            if (!value.isValueNode() || value.isNull()) {
                throw new TestFileException(where + " " + field + "." + key + ": give a text value");
            }
            values.put(key, value.asText());
        });
        return values;
    }

    private static StepResult canned(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new TestFileException(where + ": a canned result is a mapping like {stdout: ..., exitCode: 0} or "
                    + "{status: 200, body: ...}");
        }
        checkKeys(node, CANNED_FIELDS, where);
        Integer code = node.has("exitCode") ? Integer.valueOf(node.get("exitCode").asInt())
                : node.has("status") ? Integer.valueOf(node.get("status").asInt()) : null;
        String stdout = node.has("body") ? node.get("body").asText() : node.path("stdout").asText("");
        boolean failed = node.has("failed") ? node.get("failed").asBoolean()
                : node.has("status") ? code < 200 || code > 299 : code != null && code != 0;
        Map<String, Object> outputs = new LinkedHashMap<>();
        if (node.has("status")) {
            outputs.put("status", code);
        }
        if (node.has("outputs")) {
            outputs.putAll(Json.json().convertValue(node.get("outputs"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
        }
        String message = !failed ? "" : node.has("status") ? "answered " + code + " (canned)"
                : code != null ? "command exited with code " + code : "failed (canned)";
        return new StepResult(failed ? StepStatus.FAILED : StepStatus.SUCCEEDED, code, stdout,
                node.path("stderr").asText(""), outputs, message);
    }

    private static RunbookTestCase.Expectation expectation(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new TestFileException(where + ": expect: must be a mapping, like expect: {status: succeeded}");
        }
        checkKeys(node, EXPECT_FIELDS, where + " expect");
        Optional<String> status = text(node, "status", where + " expect");
        status.ifPresent(value -> oneOf(value, ordered("succeeded", "failed", "awaitingApproval", "refused"),
                where + " expect.status"));
        Optional<List<String>> ran = node.has("ran") ? Optional.of(textList(node.get("ran"), where + " expect.ran"))
                : Optional.empty();
        Map<String, RunbookTestCase.StepExpectation> steps = new LinkedHashMap<>();
        objectFields(node, "steps", where + " expect").forEach((id, value) -> {
            String here = where + " expect.steps." + id;
            if (!value.isObject()) {
                throw new TestFileException(here + ": must be a mapping like {status: succeeded, with: {command: ...}}");
            }
            checkKeys(value, STEP_EXPECT_FIELDS, here);
            Optional<String> stepStatus = text(value, "status", here);
            stepStatus.ifPresent(text -> oneOf(text, STEP_STATUSES, here + ".status"));
            Map<String, Object> with = new LinkedHashMap<>();
            objectFields(value, "with", here).forEach((field, expected) ->
                    with.put(field, Json.json().convertValue(expected, Object.class)));
            steps.put(id, new RunbookTestCase.StepExpectation(stepStatus, with, text(value, "message", here)));
        });
        Optional<String> verify = text(node, "verify", where + " expect");
        verify.ifPresent(value -> oneOf(value, ordered(RunbookTestCase.Expectation.RECOVERED,
                RunbookTestCase.Expectation.NOT_RECOVERED, RunbookTestCase.Expectation.VERIFY_NOT_RUN),
                where + " expect.verify"));
        return new RunbookTestCase.Expectation(status, ran, steps, verify);
    }

    private static void oneOf(String value, Set<String> allowed, String where) {
        if (!allowed.contains(value)) {
            throw new TestFileException(where + ": unknown value '" + value + "'" + DidYouMean.hint(value, allowed)
                    + " (one of " + String.join(", ", allowed) + ")");
        }
    }

    private static void checkKeys(JsonNode node, Set<String> known, String where) {
        for (String key : (Iterable<String>) node::fieldNames) {
            if (!known.contains(key)) {
                String hint = DidYouMean.hint(key, known);
                throw new TestFileException(where + ": unknown field '" + key + "'"
                        + (hint.isEmpty() ? " (known fields: " + String.join(", ", known) + ")" : hint));
            }
        }
    }

    private static Optional<String> text(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new TestFileException(where + ": " + key + " must be text");
        }
        return Optional.of(value.asText());
    }

    private static Map<String, JsonNode> objectFields(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return fields;
        }
        if (!value.isObject()) {
            throw new TestFileException(where + ": " + key + " must be a mapping");
        }
        value.properties().forEach(entry -> fields.put(entry.getKey(), entry.getValue()));
        return fields;
    }

    private static List<String> textList(JsonNode node, String where) {
        if (!node.isArray()) {
            throw new TestFileException(where + " must be a list, like [clean, verify]");
        }
        List<String> values = new ArrayList<>();
        node.forEach(item -> values.add(item.asText()));
        return values;
    }

    private static Set<String> ordered(String... values) {
        return new LinkedHashSet<>(List.of(values));
    }
}
