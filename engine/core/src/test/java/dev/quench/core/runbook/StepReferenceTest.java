package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.api.Required;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;
import dev.quench.core.plugin.StepCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The step-type reference and the schema's descriptions come from the annotations of a configuration record:
 * what each column shows, nested records, a gap in the documentation, and a default that does not fit its
 * field's type.
 */
class StepReferenceTest {

    @StepDoc(summary = "Pings a host.", example = "- id: ping\n  uses: test.ping\n  with: {host: web-7}\n",
            notes = "Sends one packet.")
    record PingConfig(
            @Required(or = "hosts", example = "host: web-7") @StepField(description = "the host | or its address")
            String host,
            @StepField(description = "several hosts") List<String> hosts,
            @StepField(description = "how many", defaultValue = "3") Integer count,
            @StepField(description = "give up after", whenAbsent = "the step's `timeout`") Duration deadline,
            @StepField(description = "extra options") Options options) {
    }

    record Options(@Required @StepField(description = "the TTL") Integer ttl, String undocumented) {
    }

    record Undocumented(String host) {
    }

    @StepDoc(summary = "Broken.", example = "- id: x\n  uses: test.broken\n")
    record BrokenDefault(@StepField(description = "a number", defaultValue = "lots") Integer count) {
    }

    private static StepCatalog catalog(Map<String, Class<? extends Record>> types) {
        return new StepCatalog() {
            @Override
            public Set<String> types() {
                return types.keySet();
            }

            @Override
            public Optional<Class<? extends Record>> configType(String type) {
                return Optional.ofNullable(types.get(type));
            }
        };
    }

    @Test
    void eachFieldIsARowWithItsTypeRequiredDefaultAndMeaning() {
        String reference = StepReference.generate(catalog(Map.of("test.ping", PingConfig.class)));

        assertThat(reference).contains("""
                ## `test.ping`

                Pings a host.

                | field | type | required | default | meaning |
                |---|---|---|---|---|
                | `host` | text | one of `host`, `hosts` | | the host \\| or its address |
                | `hosts` | list of text | one of `host`, `hosts` | | several hosts |
                | `count` | integer | no | `3` | how many |
                | `deadline` | duration | no | the step's `timeout` | give up after |
                | `options` | object | no | | extra options |
                | `options.ttl` | integer | yes | | the TTL |
                | `options.undocumented` | text | no | | |

                Example:

                ```yaml
                - id: ping
                  uses: test.ping
                  with: {host: web-7}
                ```

                Sends one packet.
                """);
    }

    @Test
    void whatTheAnnotationsLeaveOutIsListed() {
        assertThat(StepReference.undocumented(catalog(Map.of("test.ping", PingConfig.class, "test.bare", Undocumented.class))))
                .containsExactly(
                        "test.bare: " + Undocumented.class.getName() + " has no @StepDoc",
                        "test.bare: host (Undocumented) has no @StepField",
                        "test.ping: options.undocumented (PingConfig) has no @StepField");
    }

    @Test
    void theSchemaCarriesDescriptionsAndTypedDefaults() {
        JsonNode ping = RunbookSchema.generate(catalog(Map.of("test.ping", PingConfig.class)))
                .path("definitions").path("with:test.ping");

        assertThat(ping.path("description").asText()).isEqualTo("Pings a host.");
        assertThat(ping.at("/properties/count/default").isIntegralNumber()).isTrue();
        assertThat(ping.at("/properties/count/default").asInt()).isEqualTo(3);
        assertThat(ping.at("/properties/deadline/description").asText())
                .isEqualTo("give up after (when absent: the step's timeout)");
        assertThat(ping.at("/properties/options/anyOf/0/required/0").asText()).isEqualTo("ttl");
    }

    @Test
    void aDefaultThatDoesNotFitItsFieldStopsTheGeneration() {
        assertThatThrownBy(() -> RunbookSchema.generate(catalog(Map.of("test.broken", BrokenDefault.class))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(BrokenDefault.class.getName() + ".count: @StepField(defaultValue = \"lots\") is not a number");
    }
}
