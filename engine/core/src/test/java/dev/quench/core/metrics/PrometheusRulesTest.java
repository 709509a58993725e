package dev.quench.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/prometheus/quench-rules.yml, Quench's alerts on itself: valid for Prometheus ({@code promtool check
 * rules}) and behaving as its unit tests say ({@code promtool test rules}) — and those tests catch a change.
 */
class PrometheusRulesTest {

    private static final Path RULES = Promtool.repositoryRoot().resolve("deploy/prometheus");

    @TempDir
    Path temp;

    @BeforeEach
    void requirePromtool() {
        Promtool.require();
    }

    @Test
    void theRulesAreValid() throws Exception {
        Promtool.Result result = Promtool.run(RULES, null, "check", "rules", "quench-rules.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void everyTestFileOfTheRulesPasses() throws Exception {
        try (var files = Files.list(RULES)) {
            var tests = files.map(file -> file.getFileName().toString()).filter(name -> name.contains("test"))
                    .sorted().toList();
            assertThat(tests).contains("quench-rules.test.yml");
            for (String test : tests) {
                Promtool.Result result = Promtool.run(RULES, null, "test", "rules", test);
                assertThat(result.exitCode()).as(test + ":\n" + result.output()).isZero();
                assertThat(result.output()).contains("SUCCESS");
            }
        }
    }

    @Test
    void theRuleTestsCatchAThresholdThatChanged() throws Exception {
        Files.writeString(temp.resolve("quench-rules.yml"), Files.readString(RULES.resolve("quench-rules.yml"))
                .replace("[1h])) >= 3", "[1h])) >= 30"));
        Files.copy(RULES.resolve("quench-rules.test.yml"), temp.resolve("quench-rules.test.yml"));

        Promtool.Result result = Promtool.run(temp, null, "test", "rules", "quench-rules.test.yml");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("alertname: QuenchRunsFailing");
    }
}
