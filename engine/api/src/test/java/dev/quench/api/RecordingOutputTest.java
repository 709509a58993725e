package dev.quench.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordingOutputTest {

    @Test
    void aCappedRecordingKeepsItsLimitAndSaysWhatItDropped() {
        RecordingOutput output = new RecordingOutput(4);
        output.stdout("0123");
        output.stdout("456");
        for (int line = 0; line < 150; line++) {
            output.info("line " + line);
        }

        assertThat(output.allStdout()).isEqualTo("0123\n…[truncated 3 characters]");
        assertThat(output.infoLines()).hasSize(100).endsWith("line 99");
    }

    @Test
    void anUncappedRecordingKeepsEverythingInOrder() {
        RecordingOutput output = new RecordingOutput();
        output.stdout("a");
        output.stderr("b");
        output.stdout("c");
        output.info("one");
        output.info("two");

        assertThat(output.allStdout()).isEqualTo("ac");
        assertThat(output.allStderr()).isEqualTo("b");
        assertThat(output.allInfo()).isEqualTo("one\ntwo");
    }

    @Test
    void workDoneOnAStepsBehalfPassesOnlyInfoLines() {
        RecordingOutput live = new RecordingOutput();
        StepOutput onBehalf = StepOutput.infoOnly(live);

        onBehalf.stdout("per-target output");
        onBehalf.stderr("per-target error");
        onBehalf.info("web-7: cleanup done");

        assertThat(live.allStdout()).isEmpty();
        assertThat(live.allStderr()).isEmpty();
        assertThat(live.allInfo()).isEqualTo("web-7: cleanup done");
    }
}
