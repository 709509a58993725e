package dev.quench.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.plugin.PluginRegistry;
import dev.quench.core.runbooktest.RunbookTestRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code quench test runbooks/} passes on the shipped library: the build runs every *.test.yaml here. */
class ShippedRunbookTestsTest {

    @Test
    void everyShippedRunbookTestPasses() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PluginRegistry plugins = PluginRegistry.discover(null)) {
            RunbookTestRunner.Summary summary = new RunbookTestRunner(plugins,
                    new PrintStream(out, true, StandardCharsets.UTF_8)).run(Path.of("."));
            String report = out.toString(StandardCharsets.UTF_8);
            System.out.print(report);

            assertThat(summary.failed()).as(report).isZero();
            assertThat(summary.passed()).as(report).isGreaterThanOrEqualTo(6);
            assertThat(report).contains("PASS a firing DiskSpaceLow cleans old rotated logs");
        }
    }
}
