package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.runbook.ParamSpec;
import dev.quench.core.runbook.ParamType;
import dev.quench.core.runbook.Runbook;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run-now form: one typed field per param, each value checked as the run would convert it. */
class RunNowFormTest {

    private static final Runbook RUNBOOK = Runbook.builder("restart", Path.of("runbooks/restart.yaml"))
            .params(List.of(
                    new ParamSpec("hosts", Optional.of(List.of("web-1", "web-2")), false, "which hosts",
                            Optional.of(ParamType.LIST)),
                    new ParamSpec("retries", Optional.of(1), false, "", Optional.of(ParamType.INT)),
                    new ParamSpec("ratio", Optional.empty(), true, "how full", Optional.of(ParamType.NUMBER)),
                    new ParamSpec("force", Optional.of(false), false, "", Optional.of(ParamType.BOOL)),
                    new ParamSpec("labels", Optional.empty(), false, "", Optional.of(ParamType.MAP)),
                    new ParamSpec("note", Optional.of("none"), false, "", Optional.empty())))
            .build();

    @Test
    void theBlankFormHasOneTypedFieldPerParamWithItsDefault() {
        RunNowForm form = RunNowForm.blank(RUNBOOK);

        assertThat(form.fields()).extracting(RunNowForm.Field::name)
                .containsExactly("hosts", "retries", "ratio", "force", "labels", "note");
        assertThat(form.fields()).extracting(RunNowForm.Field::input).containsExactly(RunNowForm.Input.TEXT,
                RunNowForm.Input.INTEGER, RunNowForm.Input.NUMBER, RunNowForm.Input.BOOLEAN, RunNowForm.Input.TEXTAREA,
                RunNowForm.Input.TEXT);
        assertThat(form.fields()).extracting(RunNowForm.Field::defaultValue)
                .containsExactly("[\"web-1\",\"web-2\"]", "1", "", "false", "", "none");
        assertThat(form.fields()).extracting(RunNowForm.Field::type)
                .containsExactly("list", "int", "number", "bool", "map", "text");
        assertThat(form.fields().get(2).required()).isTrue();
        assertThat(form.fields().get(0).formName()).isEqualTo("param.hosts");
        assertThat(form.valid()).isTrue();
    }

    @Test
    void eachFieldThatDoesNotFitItsTypeSaysWhyAndTheOthersKeepTheirValues() {
        RunNowForm form = RunNowForm.submitted(RUNBOOK, Map.of("_csrf", "x", "param.retries", "three",
                "param.force", "maybe", "param.labels", "{not json", "param.hosts", "a, b"));

        assertThat(form.valid()).isFalse();
        assertThat(form.fields()).extracting(RunNowForm.Field::error).containsExactly("",
                "expected a whole number, got 'three'",
                "required: give a number",
                "expected true or false, got 'maybe'",
                "expected a mapping (a JSON object), got '{not json', which is not a valid JSON object: Unexpected "
                        + "character ('n' (code 110)): was expecting double-quote to start field name",
                "");
        assertThat(form.fields().get(1).value()).isEqualTo("three");
        assertThat(form.errors()).isEmpty();
    }

    @Test
    void aValidFormGivesTheNonEmptyValuesAsText() {
        RunNowForm form = RunNowForm.submitted(RUNBOOK, Map.of("param.ratio", " 0.9 ", "param.hosts", "",
                "param.labels", "{\"cpu\": 2}"));

        assertThat(form.valid()).isTrue();
        assertThat(form.params()).containsExactly(Map.entry("ratio", "0.9"), Map.entry("labels", "{\"cpu\": 2}"));
    }

    @Test
    void aFieldForAParamTheRunbookDoesNotHaveIsRefusedForTheWholeForm() {
        RunNowForm form = RunNowForm.submitted(RUNBOOK, Map.of("param.ratio", "1", "param.rm -rf", "x"));

        assertThat(form.valid()).isFalse();
        assertThat(form.errors()).containsExactly("runbook 'restart' has no param 'rm -rf': the form was not made for "
                + "this runbook as loaded now; reload the page");
        assertThat(form.params()).containsOnlyKeys("ratio");
    }

    @Test
    void aHugeValueIsRefusedWithoutBeingConverted() {
        RunNowForm form = RunNowForm.submitted(RUNBOOK, Map.of("param.ratio", "1", "param.note", "x".repeat(9000)));

        assertThat(form.fields().get(5).error()).isEqualTo("has 9000 characters; at most 8192");
        assertThat(form.withError("engine said no").errors()).containsExactly("engine said no");
    }
}
