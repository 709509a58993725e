package dev.quench.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    @Test
    void suggestsCloseNamesOnly() {
        List<String> fields = List.of("name", "steps", "params", "triggers");
        assertThat(DidYouMean.closest("stpes", fields)).contains("steps");
        assertThat(DidYouMean.closest("parms", fields)).contains("params");
        assertThat(DidYouMean.closest("Steps", fields)).contains("steps");
        assertThat(DidYouMean.closest("schedule", fields)).isEmpty();
        assertThat(DidYouMean.closest("x", fields)).isEmpty();
        assertThat(DidYouMean.hint("alrt", List.of("alert", "env"))).isEqualTo(" — did you mean 'alert'?");
        assertThat(DidYouMean.hint("zzz", List.of("alert"))).isEmpty();
    }
}
