package dev.quench.core.incident;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Untrusted text cannot become Markdown structure, HTML or a terminal control sequence. */
class MarkdownTextTest {

    @Test
    void proseEscapesEveryPunctuationCharacterAndStaysOnOneLine() {
        assertThat(MarkdownText.escape("# Title\n[x](http://a.b) <b> *x* | & ~"))
                .isEqualTo("\\# Title \\[x\\]\\(http\\:\\/\\/a\\.b\\) \\<b\\> \\*x\\* \\| \\& \\~");
        assertThat(MarkdownText.escape(null)).isEmpty();
    }

    @Test
    void aCodeSpanIsFencedLongerThanAnyBacktickRunInside() {
        assertThat(MarkdownText.code("plain")).isEqualTo("` plain `");
        assertThat(MarkdownText.code("a `b` ``c``")).isEqualTo("``` a `b` ``c`` ```");
        assertThat(MarkdownText.code("two\nlines")).isEqualTo("` two lines `");
        assertThat(MarkdownText.code("  ")).isEqualTo("(empty)");
    }

    @Test
    void aBlockCannotBeClosedByALineInsideIt() {
        assertThat(MarkdownText.block("out\n```\n# x\n")).isEqualTo("````text\nout\n```\n# x\n````\n");
        assertThat(MarkdownText.block("no newline")).isEqualTo("```text\nno newline\n```\n");
    }

    @Test
    void controlCharactersBecomeReplacementCharacters() {
        assertThat(MarkdownText.code("\u001b[31mred\u0007")).isEqualTo("` \uFFFD\\[31mred\uFFFD `".replace("\\", ""));
        assertThat(MarkdownText.block("a\tb\u001b]0;title\u0007\n")).isEqualTo("```text\na\tb\uFFFD]0;title\uFFFD\n```\n");
    }
}
