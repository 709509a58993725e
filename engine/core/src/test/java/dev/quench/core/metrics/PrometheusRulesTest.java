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
        assertThat(result.output()).contains("SUCCESS: 8 rules found");
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
    void theSloBurnRateRulesAreValid() throws Exception {
        Promtool.Result result = Promtool.run(RULES, null, "check", "rules", "slo-burn-rate-rules.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 15 rules found");
    }

    @Test
    void theBurnRateTestsCatchAWindowOrAFactorThatChanged() throws Exception {
        String rules = Files.readString(RULES.resolve("slo-burn-rate-rules.yml"));
        Files.copy(RULES.resolve("slo-burn-rate-rules.test.yml"), temp.resolve("slo-burn-rate-rules.test.yml"));

        // A page on the long window alone keeps paging after the service recovered.
        Files.writeString(temp.resolve("slo-burn-rate-rules.yml"),
                rules.replace("slo:burn_rate1h > 14.4 and slo:burn_rate5m > 14.4", "slo:burn_rate1h > 14.4"));
        Promtool.Result longWindowOnly = Promtool.run(temp, null, "test", "rules", "slo-burn-rate-rules.test.yml");
        // A medium factor of 10 misses the 8x burn.
        Files.writeString(temp.resolve("slo-burn-rate-rules.yml"),
                rules.replace("slo:burn_rate6h > 6 and slo:burn_rate30m > 6", "slo:burn_rate6h > 10 and slo:burn_rate30m > 10"));
        Promtool.Result medium = Promtool.run(temp, null, "test", "rules", "slo-burn-rate-rules.test.yml");

        assertThat(longWindowOnly.exitCode()).isNotZero();
        assertThat(longWindowOnly.output()).contains("alertname: SLOErrorBudgetBurnFast");
        assertThat(medium.exitCode()).isNotZero();
        assertThat(medium.output()).contains("alertname: SLOErrorBudgetBurnMedium");
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
