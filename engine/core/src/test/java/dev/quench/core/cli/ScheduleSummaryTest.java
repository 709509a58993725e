package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@code quench serve} prints about schedules once the runbooks are loaded. */
class ScheduleSummaryTest {

    @Test
    void serveSaysTheShippedSchedulesAreDisabledAndHowToEnableThem() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            RunbookLoadResult loaded = new RunbookLoader(plugins).load(Path.of("../../runbooks"));
            ScheduleSummary.print(loaded.runbooks(), new PrintStream(out, true, StandardCharsets.UTF_8));
        }

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("  schedules: 0 active, 2 disabled\n")
                .containsPattern("    disabled: nightly-backup-verify\\s+0 0 6 \\* \\* \\? \\(UTC\\)  \\(.*nightly-backup-verify.yaml\\)")
                .containsPattern("    disabled: nightly-log-prune\\s+0 30 3 \\* \\* \\? \\(Europe/Berlin\\)")
                .contains("a disabled schedule fires once its runbook sets triggers.schedule.enabled: true");
    }
}
