package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbook.Runbook;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every runbook that ships with Quench loads with the shipped plugins and is fit for the ledger. */
class ShippedRunbooksTest {

    @Test
    void everyShippedRunbookIsValid() {
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            RunbookLoadResult result = new RunbookLoader(plugins).load(Path.of("."));

            assertThat(result.problems()).isEmpty();
            assertThat(result.warnings()).as("what quench validate warns about").isEmpty();
            assertThat(result.runbooks()).isNotEmpty().allSatisfy(runbook -> {
                assertThat(runbook.owner()).as(runbook.name() + " owner").isNotBlank();
                assertThat(runbook.manualMinutes()).as(runbook.name() + " toil.manualMinutes").isPositive();
                assertThat(runbook.description()).as(runbook.name() + " description").isNotBlank();
            });
            assertThat(result.runbooks()).extracting(Runbook::name).contains("disk-full-log-cleanup");
        }
    }
}
