package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Alert data in a PromQL query: inside a quoted string it is escaped and stays one label value, so a label
 * cannot close the string to add {@code or vector(0)} (and make a check pass that should fail); outside a
 * string only a name, number or duration goes in.
 */
class PromQlTemplateTest {

    private static final Alert ALERT = new Alert("alertmanager", "fp", AlertStatus.FIRING,
            Map.of("alertname", "HighErrorRate", "job", "api\"} or vector(0) or up{job=\"x",
                    "quoted", "it's", "slashed", "a\\\"b", "instance", "web-7:9100", "window", "5m"),
            Map.of(), Instant.parse("2024-05-01T03:00:00Z"), null, "");

    private static final ExpressionScope SCOPE = ExpressionScope.of(ALERT,
            Map.of("threshold", "0.01", "fragment", "up or vector(1)"), Map.of(), Map.of(), Map.of());

    private static String promQl(String text) {
        return (String) Template.compile(text).render(SCOPE, RenderMode.PROMQL);
    }

    @Test
    void aLabelThatTriesToCloseItsStringStaysOneEscapedLabelValue() {
        assertThat(promQl("sum(rate(http_requests_total{job=\"${{ alert.labels.job }}\",code=~\"5..\"}[1m]))"))
                .isEqualTo("sum(rate(http_requests_total{job=\"api\\\"} or vector(0) or up{job=\\\"x\",code=~\"5..\"}[1m]))");
        assertThat(promQl("up{job='${{ alert.labels.quoted }}'}")).isEqualTo("up{job='it\\'s'}");
        assertThat(promQl("up{x=\"${{ alert.labels.slashed }}\"}")).isEqualTo("up{x=\"a\\\\\\\"b\"}");
        assertThat(promQl("up{instance=\"${{ alert.labels.instance }}\"}")).isEqualTo("up{instance=\"web-7:9100\"}");
    }

    @Test
    void outsideAStringOnlyANameNumberOrDurationGoesIn() {
        assertThat(promQl("rate(errors_total[${{ alert.labels.window }}]) > ${{ params.threshold }}"))
                .isEqualTo("rate(errors_total[5m]) > 0.01");
        assertThatThrownBy(() -> promQl("up > 0 and ${{ params.fragment }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("inserted outside a string of a PromQL query, where only a name, number or "
                        + "duration is safe, and its value is 'up or vector(1)'");
        assertThatThrownBy(() -> promQl("up{job=\"a\"} or ${{ alert.labels.job }}"))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("put it inside quotes");
    }

    @Test
    void rawInsertsAsItIsVisibly() {
        assertThat(promQl("up > 0 and ${{ raw(params.fragment) }}")).isEqualTo("up > 0 and up or vector(1)");
    }

    @Test
    void aBacktickStringRefusesAValueHoldingABacktick() {
        assertThat(promQl("up{job=`${{ alert.labels.instance }}`}")).isEqualTo("up{job=`web-7:9100`}");
        assertThatThrownBy(() -> Template.compile("up{job=`${{ alert.labels.job + '`' }}`}").render(SCOPE,
                RenderMode.PROMQL)).isInstanceOf(ExpressionException.class).hasMessageContaining("holds a backtick");
    }
}
