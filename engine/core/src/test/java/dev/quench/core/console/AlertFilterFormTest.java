package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

/** The alerts page's filter as the form echoes it and carries it to the next page. */
class AlertFilterFormTest {

    @Test
    void theNextPageKeepsTheFilterEncodedAndAddsTheCursor() {
        AlertFilterForm form = AlertFilterForm.of(MultiMap.caseInsensitiveMultiMap()
                .add("matched", "false").add("alertname", "Disk Space&Low").add("since", "").add("before", "99")
                .add("limit", "5").add("unknown", "x"));

        assertThat(form.values()).containsOnlyKeys("matched", "alertname");
        assertThat(form.olderThan(42)).isEqualTo("/alerts?matched=false&alertname=Disk+Space%26Low&before=42");
        assertThat(form.newest()).isEqualTo("/alerts?matched=false&alertname=Disk+Space%26Low");
        assertThat(form.chosen("matched", "false")).isTrue();
        assertThat(form.chosen("status", "")).isTrue();
    }

    @Test
    void anEmptyFormLinksToThePlainPages() {
        AlertFilterForm form = AlertFilterForm.of(MultiMap.caseInsensitiveMultiMap());

        assertThat(form.olderThan(7)).isEqualTo("/alerts?before=7");
        assertThat(form.newest()).isEqualTo("/alerts");
        assertThat(form.value("source")).isEmpty();
    }
}
