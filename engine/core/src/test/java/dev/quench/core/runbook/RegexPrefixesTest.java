package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegexPrefixesTest {

    @Test
    void eachTopLevelAlternativeGivesItsLiteralPrefix() {
        assertThat(RegexPrefixes.of("KubePod.*|Node(Down|Up)")).hasValue(List.of("KubePod", "Node"));
        assertThat(RegexPrefixes.of("Alert12[0-9]{2}|Other.*")).hasValue(List.of("Alert12", "Other"));
        assertThat(RegexPrefixes.of("DiskSpaceLow")).hasValue(List.of("DiskSpaceLow"));
        assertThat(RegexPrefixes.of("Disk[|]Low|Cert")).as("a | inside a class does not split")
                .hasValue(List.of("Disk", "Cert"));
    }

    @Test
    void aCharacterMadeOptionalIsNotRequired() {
        assertThat(RegexPrefixes.of("Alerts?")).hasValue(List.of("Alert"));
        assertThat(RegexPrefixes.of("Alerts*x")).hasValue(List.of("Alert"));
        assertThat(RegexPrefixes.of("Ab{0,2}")).hasValue(List.of("A"));
    }

    @Test
    void whenAnyAlternativeCanStartWithAnythingThereIsNoPrefix() {
        assertThat(RegexPrefixes.of(".*Disk")).isEmpty();
        assertThat(RegexPrefixes.of("Disk.*|.*Cert")).isEmpty();
        assertThat(RegexPrefixes.of("(?i)disk")).isEmpty();
        assertThat(RegexPrefixes.of("[A-Z]isk")).isEmpty();
        assertThat(RegexPrefixes.of("\\w+")).isEmpty();
        assertThat(RegexPrefixes.of("")).isEmpty();
        assertThat(RegexPrefixes.of("a?b")).isEmpty();
        assertThat(RegexPrefixes.of("Disk|")).isEmpty();
    }
}
