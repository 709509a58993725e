package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** json(), matches() and regexFind(): what they give, and how they fail on bad input. */
class ParsingFunctionsTest {

    private static final ExpressionScope SCOPE = ExpressionScope.of(null, Map.of("body",
                    "{\"hosts\": [\"web-1\", \"web-2\"], \"ok\": true}", "broken", "{\"hosts\": [web-1]}",
                    "long", "a".repeat(30), "huge", "x".repeat(RegexFunctions.MAX_TEXT + 1)),
            Map.of("status", StepResult.ofExitCode(0, "nginx.service: active (running) since Mon; pid 4242\n", "")),
            Map.of(), Map.of());

    private static Object plain(String text) {
        return Template.compile(text).render(SCOPE, RenderMode.PLAIN);
    }

    @Test
    void jsonParsesTextIntoPlainValues() {
        assertThat(plain("${{ json(params.body).hosts }}")).isEqualTo(List.of("web-1", "web-2"));
        assertThat(plain("${{ json(params.body).ok && size(json(params.body).hosts) == 2 }}")).isEqualTo(true);
        assertThat(plain("${{ json('[1, 2.5, null]') }}")).isEqualTo(java.util.Arrays.asList(1, 2.5, null));
        assertThat(plain("${{ json('\"text\"') }}")).isEqualTo("text");
    }

    @Test
    void badJsonIsAnErrorSayingWhere() {
        assertThatThrownBy(() -> plain("${{ json(params.broken) }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageEndingWith("json: not valid JSON at line 1 column 12: unexpected character or word "
                        + "(the text is 18 characters; it is not shown, as it may hold a secret)");
        assertThatThrownBy(() -> plain("${{ json('{} trailing') }}"))
                .hasMessageContaining("json: not valid JSON at line 1 column 4: unexpected character or word");
        assertThatThrownBy(() -> plain("${{ json('{\"a\": ') }}"))
                .hasMessageContaining("json: not valid JSON at line 1 column 7: the text ends before the JSON value does");
        assertThatThrownBy(() -> plain("${{ json(null) }}"))
                .hasMessageContaining("json: the text is null (a missing output or label?)");
    }

    @Test
    void matchesFindsTheRegexAnywhereAndRegexFindReturnsTheMatchOrAGroup() {
        assertThat(plain("${{ matches(steps.status.stdout, 'active \\\\(running\\\\)') }}")).isEqualTo(true);
        assertThat(plain("${{ matches(steps.status.stdout, '^inactive') }}")).isEqualTo(false);
        assertThat(plain("${{ matches(null, 'x') }}")).isEqualTo(false);
        assertThat(plain("${{ regexFind(steps.status.stdout, 'pid \\\\d+') }}")).isEqualTo("pid 4242");
        assertThat(plain("${{ toInt(regexFind(steps.status.stdout, 'pid (\\\\d+)', 1)) + 1 }}")).isEqualTo(4243);
        assertThat(plain("${{ regexFind(steps.status.stdout, '(?<unit>[a-z]+)\\\\.service', 'unit') }}"))
                .isEqualTo("nginx");
        assertThat(plain("${{ regexFind(steps.status.stdout, 'failed') ?? 'none' }}")).isEqualTo("none");
    }

    @Test
    void badRegexesAndOversizedInputAreClearErrors() {
        assertThatThrownBy(() -> plain("${{ matches('x', '(unclosed') }}"))
                .hasMessageContaining("matches: invalid regex: Unclosed group near index 9");
        assertThatThrownBy(() -> plain("${{ regexFind('abc', 'b', 2) }}"))
                .hasMessageContaining("regexFind: the regex has no group 2 (it has 0 numbered groups)");
        assertThatThrownBy(() -> plain("${{ matches(params.huge, 'x') }}"))
                .hasMessageContaining("matches: the text has 100001 characters; at most 100000 are searched");
    }

    @Test
    void aCatastrophicRegexIsStoppedAtTheTimeLimit() {
        // Java memoizes most nested loops, but not backreferences: this one takes exponential time.
        long started = System.nanoTime();

        assertThatThrownBy(() -> plain("${{ matches(params.long, '(a+)+\\\\1b') }}"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("took longer than 2s and was stopped");

        // generous: the limit is 2 s; a loaded machine may be slow to notice
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void unknownFunctionsStillSuggestTheNewOnes() {
        assertThatThrownBy(() -> Template.compile("${{ regexfind(alert.name, 'x') }}"))
                .hasMessageStartingWith("unknown function 'regexfind' — did you mean 'regexFind'?");
    }
}
