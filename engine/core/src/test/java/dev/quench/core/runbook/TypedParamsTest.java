package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed params: values from the command line, API and tests are converted, or refused naming the param. */
class TypedParamsTest {

    private static Runbook load() {
        RunbookLoadResult result = new RunbookLoader(new TestStepCatalog()).loadSource(Path.of("typed.yaml"), """
                name: typed
                params:
                  hosts: {type: list, default: [web-1, web-2]}
                  retries: {type: int, default: 3}
                  ratio: {type: number}
                  force: {type: bool, default: false}
                  limits: {type: map}
                  unit: {type: string, required: true}
                  note: untyped
                steps:
                  - id: a
                    uses: shell.exec
                    with: {command: "echo ${{ params.unit }}"}
                """);
        assertThat(result.problems()).isEmpty();
        return result.runbooks().getFirst();
    }

    @Test
    void defaultsKeepTheirTypeAndTextValuesAreConverted() {
        Map<String, Object> params = load().resolveParams(Map.of("unit", "nginx", "retries", " 5 ", "ratio", "0.25",
                "force", "TRUE", "limits", "{\"cpu\": 2}", "note", "x"));

        assertThat(params).containsEntry("hosts", List.of("web-1", "web-2")).containsEntry("retries", 5)
                .containsEntry("ratio", 0.25).containsEntry("force", true).containsEntry("limits", Map.of("cpu", 2))
                .containsEntry("unit", "nginx").containsEntry("note", "x");
    }

    @Test
    void listsAreJsonArraysOrCommaSeparatedText() {
        assertThat(load().resolveParams(Map.of("unit", "u", "hosts", "web-1, web-2 ,web-3")).get("hosts"))
                .isEqualTo(List.of("web-1", "web-2", "web-3"));
        assertThat(load().resolveParams(Map.of("unit", "u", "hosts", "[\"a,b\", \"c\"]")).get("hosts"))
                .isEqualTo(List.of("a,b", "c"));
        assertThat(load().resolveParams(Map.of("unit", "u", "hosts", List.of("x"))).get("hosts"))
                .isEqualTo(List.of("x"));
    }

    @Test
    void aValueThatDoesNotFitItsTypeIsRefusedNamingTheParam() {
        Runbook runbook = load();

        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "retries", "three")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runbook 'typed': param 'retries' (type: int): expected a whole number, got 'three'");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "retries", "2.5")))
                .hasMessage("runbook 'typed': param 'retries' (type: int): expected a whole number, got '2.5'");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "force", "yes")))
                .hasMessage("runbook 'typed': param 'force' (type: bool): expected true or false, got 'yes'");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "limits", "cpu=2")))
                .hasMessage("runbook 'typed': param 'limits' (type: map): expected a mapping (a JSON object), got 'cpu=2'");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "ratio", "NaN")))
                .hasMessage("runbook 'typed': param 'ratio' (type: number): expected a number, got 'NaN'");
        assertThatThrownBy(() -> runbook.resolveParams(Map.of("unit", "u", "hosts", "[web-1")))
                .hasMessageStartingWith("runbook 'typed': param 'hosts' (type: list): expected a list (a JSON array, or "
                        + "text separated by commas), got '[web-1', which is not a valid JSON array: ");
    }

    @Test
    void groovyRunbooksDeclareTypedParamsToo(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        java.nio.file.Files.writeString(directory.resolve("typed.groovy"), """
                runbook {
                    name 'typed'
                    param 'retries', type: 'int', default: 3
                    param 'hosts', type: 'list', default: ['web-1']
                }
                steps {
                    shell.exec id: 'a', command: "echo ${params.retries + 1}"
                }
                """);
        java.nio.file.Files.writeString(directory.resolve("bad.groovy"), """
                runbook {
                    name 'bad'
                    param 'retries', type: 'integer'
                }
                steps { }
                """);

        RunbookLoadResult result = new RunbookLoader(new TestStepCatalog()).load(directory);

        assertThat(result.problems()).extracting(RunbookProblem::toString).containsExactly(directory.resolve("bad.groovy")
                + ":3:1: unknown type 'integer' of param 'retries' — did you mean 'int'? (types: string, int, number, "
                + "bool, list, map)");
        Runbook typed = result.runbooks().getFirst();
        assertThat(typed.resolveParams(Map.of("retries", "5", "hosts", "a,b")))
                .containsEntry("retries", 5).containsEntry("hosts", List.of("a", "b"));
        assertThatThrownBy(() -> typed.resolveParams(Map.of("retries", "x")))
                .hasMessage("runbook 'typed': param 'retries' (type: int): expected a whole number, got 'x'");
    }

    @Test
    void aMissingRequiredParamIsNamed() {
        assertThatThrownBy(() -> load().resolveParams(Map.of()))
                .hasMessage("runbook 'typed' needs param 'unit': set it, e.g. --param unit=...");
    }
}
