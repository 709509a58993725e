package dev.quench.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CappedTextTest {

    @Test
    void cappingTwiceSaysHowMuchWasDroppedInAll() {
        CappedText streamed = new CappedText(10);
        streamed.append("0123456789abcdef");
        String once = streamed.text();
        assertThat(once).isEqualTo("0123456789\n…[truncated 6 characters]");

        // The engine's cap after a plugin's: the marker is not text to cut, and the counts add up.
        assertThat(CappedText.cap(once, 10)).isEqualTo(once);
        assertThat(CappedText.cap(once, 4)).isEqualTo("0123\n…[truncated 12 characters]");
        assertThat(CappedText.cap(CappedText.cap(once, 4), 2)).isEqualTo("01\n…[truncated 14 characters]");
    }

    @Test
    void aPluginsCapInBytesKeepsItsCountWhenTheEngineCapsAgain() {
        // ssh.exec and http.request cap at 64 KiB of bytes and mark it so; the engine then caps at 64 KiB of characters.
        String fromPlugin = "x".repeat(65536) + "…[truncated 134464 bytes]";
        assertThat(CappedText.cap(fromPlugin, 65536)).isEqualTo(fromPlugin);
        assertThat(CappedText.cap("abcdé…[truncated 7 bytes]", 4)).isEqualTo("abcd\n…[truncated 9 bytes]");
        assertThat(CappedText.cutAt(fromPlugin)).isEqualTo(65536);
    }

    @Test
    void textWithinTheLimitIsKeptAsItIs() {
        assertThat(CappedText.cap("short", 10)).isEqualTo("short");
        assertThat(CappedText.cap(null, 10)).isEmpty();
        assertThat(CappedText.cutAt("short")).isEqualTo(-1);
        assertThat(CappedText.cutAt("ab\n…[truncated 3 characters]")).isEqualTo(2);
    }
}
