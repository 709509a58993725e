package dev.quench.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    private static final String INJECTION = "x'; touch pwned; echo '";

    @Test
    void quotesAsOneWord() {
        assertThat(ShellQuote.quote("")).isEqualTo("''");
        assertThat(ShellQuote.quote("web-7:9100")).isEqualTo("web-7:9100");
        assertThat(ShellQuote.quote("/var/log/app")).isEqualTo("/var/log/app");
        assertThat(ShellQuote.quote("two words")).isEqualTo("'two words'");
        assertThat(ShellQuote.quote("$(reboot)")).isEqualTo("'$(reboot)'");
        assertThat(ShellQuote.quote("*.gz")).isEqualTo("'*.gz'");
        assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuote.quote(INJECTION)).isEqualTo("'x'\\''; touch pwned; echo '\\'''");
    }
}
