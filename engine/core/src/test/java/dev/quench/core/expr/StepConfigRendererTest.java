package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.ShellCommand;
import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepConfigRendererTest {

    record ExecConfig(String host, @ShellCommand String command, Integer port) {
    }

    private static final ExpressionScope SCOPE = ExpressionScope.of(
            new Alert("am", "fp", AlertStatus.FIRING, Map.of("instance", "web 7:9100", "n", "x"), Map.of(), null, null, ""),
            Map.of("port", 2222), Map.of(), Map.of(), Map.of());

    private static ValueTemplate text(String text) {
        return new ValueTemplate.TextValue(Template.compile(text));
    }

    @Test
    void shellCommandFieldsAreQuotedAndTheRestKeepsItsType() {
        Map<String, ValueTemplate> with = new LinkedHashMap<>();
        with.put("host", text("${{ host(alert.labels.instance) }}"));
        with.put("command", text("ping -c 1 ${{ host(alert.labels.instance) }}"));
        with.put("port", text("${{ params.port }}"));
        with.put("extra", new ValueTemplate.ListValue(List.of(new ValueTemplate.LiteralValue(1), text("a ${{ alert.labels.n }}"))));

        Map<String, Object> rendered = StepConfigRenderer.render("ping", new ValueTemplate.MapValue(with), SCOPE,
                ExecConfig.class);

        assertThat(rendered).containsExactly(
                Map.entry("host", "web 7"),
                Map.entry("command", "ping -c 1 'web 7'"),
                Map.entry("port", 2222),
                Map.entry("extra", List.of(1, "a x")));
        assertThat(StepConfigRenderer.shellCommandFields(ExecConfig.class)).containsExactly("command");
    }

    @Test
    void failuresNameTheStepTheFieldAndTheExpression() {
        ValueTemplate.MapValue with = new ValueTemplate.MapValue(Map.of("port", text("${{ toInt(alert.labels.n) }}")));

        assertThatThrownBy(() -> StepConfigRenderer.render("connect", with, SCOPE, ExecConfig.class))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("step 'connect', field 'port': ${{ toInt(alert.labels.n) }} failed: "
                        + "toInt: the value (text of 1 character, not shown as it may hold a secret) is not a whole number in the int range")
                .satisfies(e -> {
                    ExpressionException failure = (ExpressionException) e;
                    assertThat(failure.stepId()).contains("connect");
                    assertThat(failure.field()).contains("port");
                    assertThat(failure.expression()).isEqualTo("toInt(alert.labels.n)");
                    assertThat(failure.getCause()).isInstanceOf(IllegalArgumentException.class);
                });
    }
}
