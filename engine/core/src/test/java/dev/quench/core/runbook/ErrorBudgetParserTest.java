package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.core.plugin.StepCatalog;
import dev.quench.core.runbook.load.RunbookLoadResult;
import dev.quench.core.runbook.load.RunbookLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guards.errorBudget} and {@code guards.breaker} load from YAML and Groovy alike when the step type is installed. */
class ErrorBudgetParserTest {

    /** Like prometheus.query. */
    record QueryConfig(@dev.quench.api.PromQl String query) {
    }

    private static final StepCatalog WITH_PROMETHEUS = new StepCatalog() {
        private final Map<String, Class<? extends Record>> types = Map.of(
                "shell.exec", TestStepCatalog.ExecConfig.class, "prometheus.query", QueryConfig.class);

        @Override
        public Set<String> types() {
            return types.keySet();
        }

        @Override
        public Optional<Class<? extends Record>> configType(String type) {
            return Optional.ofNullable(types.get(type));
        }
    };

    @TempDir
    Path temp;

    @Test
    void aYamlRunbookWithAnErrorBudgetAndABreakerLoads() throws Exception {
        Path file = Files.writeString(temp.resolve("gated.yaml"), """
                name: gated
                params:
                  service: {default: web}
                guards:
                  errorBudget: {query: 'slo:burn_rate1h{service="${{ params.service }}"}', above: 14.4, then: requireApproval}
                  breaker: {failures: 3, within: 1h}
                steps:
                  - {id: a, uses: shell.exec, with: {command: "true"}}
                """);

        RunbookLoadResult result = new RunbookLoader(WITH_PROMETHEUS).load(file);

        assertThat(result.problems()).isEmpty();
        RunbookGuards guards = result.runbooks().getFirst().guards();
        assertThat(guards.errorBudget()).hasValueSatisfying(budget -> {
            assertThat(budget.above()).isTrue();
            assertThat(budget.threshold()).isEqualTo(14.4);
            assertThat(budget.then()).isEqualTo(ErrorBudgetSpec.Action.REQUIRE_APPROVAL);
            assertThat(budget.condition()).isEqualTo("above 14.4");
        });
        assertThat(guards.breaker()).contains(new BreakerSpec(3, java.time.Duration.ofHours(1), java.time.Duration.ofHours(1)));
    }

    @Test
    void aGroovyRunbookDeclaresTheSameGuards() throws Exception {
        Path file = Files.writeString(temp.resolve("gated.groovy"), """
                runbook {
                    name 'gated-groovy'
                    guards errorBudget: [query: 'slo:budget_remaining{service="web"}', below: 0.1, then: 'skip'],
                           breaker: [failures: 2, within: '30m', coolOff: '2h']
                }
                steps {
                    shell.exec id: 'noop', command: 'true'
                }
                """);

        RunbookLoadResult result = new RunbookLoader(WITH_PROMETHEUS).load(file);

        assertThat(result.problems()).isEmpty();
        RunbookGuards guards = result.runbooks().getFirst().guards();
        assertThat(guards.errorBudget()).hasValueSatisfying(budget -> {
            assertThat(budget.above()).isFalse();
            assertThat(budget.then()).isEqualTo(ErrorBudgetSpec.Action.SKIP);
        });
        assertThat(guards.breaker()).contains(new BreakerSpec(2, java.time.Duration.ofMinutes(30), java.time.Duration.ofHours(2)));
    }

    @Test
    void aGroovyRunbookWithAnErrorBudgetNeedsTheStepType() throws Exception {
        Path file = Files.writeString(temp.resolve("gated.groovy"), """
                runbook {
                    name 'gated-groovy'
                    guards errorBudget: [query: 'slo:burn_rate1h', above: 14.4, then: 'requireApproval']
                }
                steps {
                    shell.exec id: 'noop', command: 'true'
                }
                """);

        RunbookLoadResult result = new RunbookLoader(new TestStepCatalog()).load(file);

        assertThat(result.runbooks()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(problem -> assertThat(problem.toString())
                .endsWith("guards.errorBudget is read with the step type 'prometheus.query', which is not installed: add "
                        + "the prometheus plugin (plugins/prometheus) and set prometheus.url in quench.yaml, or remove "
                        + "errorBudget"));
    }

    @Test
    void theGroovyMapFormSaysWhatIsWrong() {
        assertThatThrownBy(() -> ErrorBudgetParser.fromMap(Map.of("query", "x", "above", 1, "then", "skp")))
                .hasMessage("guards errorBudget then must be requireApproval or skip, found 'skp' — did you mean 'skip'?");
        assertThatThrownBy(() -> BreakerParser.fromMap(Map.of("failures", 0, "within", "1h")))
                .hasMessage("guards breaker failures must be a whole number from 1 to 1000, found 0");
    }
}
