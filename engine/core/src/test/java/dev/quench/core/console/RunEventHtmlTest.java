package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.events.RunEvent;
import dev.quench.core.events.RunEventType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run detail's live stream: each output line one escaped HTML line; other events only name what happened. */
class RunEventHtmlTest {

    private static RunEvent event(RunEventType type, Map<String, Object> data) {
        return new RunEvent(1, 1, "run-1", "book", type, Instant.EPOCH, data);
    }

    @Test
    void anOutputLineIsEscapedSoARunCannotWriteMarkupIntoThePage() {
        RunEvent line = event(RunEventType.STDOUT, Map.of("step", "clean<i>", "line",
                "<script>alert(1)</script> & \"quoted\"\r\nsecond"));

        assertThat(RunEventHtml.INSTANCE.name(line)).isEqualTo("line");
        assertThat(RunEventHtml.INSTANCE.data(line)).isEqualTo("<span class=\"line stdout\"><span class=\"step\">"
                + "clean&lt;i&gt;</span> &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quoted\"  second</span>");
        assertThat(RunEventHtml.INSTANCE.data(line)).doesNotContain("\n", "<script", "<i>");
    }

    @Test
    void stepsStatusAndTheEndAreNamedForThePageToReloadAndStop() {
        assertThat(RunEventHtml.INSTANCE.name(event(RunEventType.STEP_STARTED, Map.of()))).isEqualTo("step");
        assertThat(RunEventHtml.INSTANCE.name(event(RunEventType.STEP_FINISHED, Map.of()))).isEqualTo("step");
        assertThat(RunEventHtml.INSTANCE.name(event(RunEventType.STATUS, Map.of()))).isEqualTo("status");
        assertThat(RunEventHtml.INSTANCE.name(event(RunEventType.END, Map.of("status", "failed")))).isEqualTo("end");
        assertThat(RunEventHtml.INSTANCE.name(event(RunEventType.STDERR, Map.of()))).isEqualTo("line");
        assertThat(RunEventHtml.INSTANCE.data(event(RunEventType.DROPPED, Map.of("count", 12, "reason", "too <fast>"))))
                .isEqualTo("<span class=\"line dropped\">12 events left out: too &lt;fast&gt;</span>");
    }
}
