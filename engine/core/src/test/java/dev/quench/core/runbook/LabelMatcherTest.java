package dev.quench.core.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelMatcherTest {

    private static final Map<String, String> LABELS = Map.of("alertname", "DiskSpaceLow", "severity", "warning",
            "env", "prod");

    private static boolean matches(String matcher) {
        return LabelMatcherParser.parse(matcher).matches(LABELS);
    }

    @Test
    void allFourOperators() {
        assertThat(matches("alertname=\"DiskSpaceLow\"")).isTrue();
        assertThat(matches("alertname=\"DiskSpace\"")).isFalse();
        assertThat(matches("env!=\"dev\"")).isTrue();
        assertThat(matches("env!=\"prod\"")).isFalse();
        assertThat(matches("severity=~\"warning|critical\"")).isTrue();
        assertThat(matches("severity=~\"critical|page\"")).isFalse();
        assertThat(matches("severity!~\"critical|page\"")).isTrue();
        assertThat(matches("severity!~\"warn.*\"")).isFalse();
    }

    @Test
    void regexIsFullyAnchoredAsInAlertmanager() {
        assertThat(matches("severity=~\"warn\"")).isFalse();
        assertThat(matches("severity=~\"arning\"")).isFalse();
        assertThat(matches("severity=~\"warn.*\"")).isTrue();
        // The anchors wrap the whole alternation, not just its first and last branch.
        assertThat(matches("severity=~\"xwarning|warningx\"")).isFalse();
        assertThat(matches("severity!~\"warn\"")).isTrue();
    }

    @Test
    void aMissingLabelIsTheEmptyString() {
        assertThat(matches("team=\"\"")).isTrue();
        assertThat(matches("team!=\"ops\"")).isTrue();
        assertThat(matches("team=~\".*\"")).isTrue();
        assertThat(matches("team=~\".+\"")).isFalse();
        assertThat(matches("team=\"ops\"")).isFalse();
    }

    @Test
    void unquotedValuesSpacesAndEscapes() {
        assertThat(LabelMatcherParser.parse("job=node")).isEqualTo(LabelMatcher.of("job", MatchOperator.EQUAL, "node"));
        assertThat(LabelMatcherParser.parse("  env != \"dev\"  "))
                .isEqualTo(LabelMatcher.of("env", MatchOperator.NOT_EQUAL, "dev"));
        LabelMatcher quoted = LabelMatcherParser.parse("summary=\"say \\\"hi\\\" \\\\ bye\"");
        assertThat(quoted.value()).isEqualTo("say \"hi\" \\ bye");
        assertThat(LabelMatcherParser.parse(quoted.toString())).isEqualTo(quoted);
        assertThat(LabelMatcherParser.parse("instance=~\"web-\\d+:9100\"").matches(Map.of("instance", "web-7:9100"))).isTrue();
    }

    @Test
    void syntaxErrorsSayWhatAndWhere() {
        assertThatThrownBy(() -> LabelMatcherParser.parse("severity=~\"[\""))
                .isInstanceOf(MatcherSyntaxException.class)
                .hasMessage("invalid regex in matcher severity=~\"[\": Unclosed character class")
                .extracting(e -> ((MatcherSyntaxException) e).column()).isEqualTo(10);
        assertThatThrownBy(() -> LabelMatcherParser.parse("severity ~ \"x\""))
                .hasMessage("expected an operator (=, !=, =~, !~) after label name 'severity'")
                .extracting(e -> ((MatcherSyntaxException) e).column()).isEqualTo(9);
        assertThatThrownBy(() -> LabelMatcherParser.parse("env=\"dev"))
                .hasMessage("missing closing quote in matcher env=\"dev")
                .extracting(e -> ((MatcherSyntaxException) e).column()).isEqualTo(4);
        assertThatThrownBy(() -> LabelMatcherParser.parse("env=\"dev\" team=\"x\""))
                .hasMessageStartingWith("unexpected text after the closing quote")
                .extracting(e -> ((MatcherSyntaxException) e).column()).isEqualTo(10);
        assertThatThrownBy(() -> LabelMatcherParser.parse("9lives=\"x\""))
                .hasMessageStartingWith("expected a label name");
        assertThatThrownBy(() -> LabelMatcherParser.parse(" "))
                .hasMessageStartingWith("empty matcher");
    }
}
