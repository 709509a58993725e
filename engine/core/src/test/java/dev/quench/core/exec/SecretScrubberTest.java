package dev.quench.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {

    private final SecretScrubber scrubber = new SecretScrubber(List.of("tok-7f3a9c1e5b", "pass-word-42"));

    @Test
    void theStartOfASecretCutByAPluginsCapIsMaskedToo() {
        // ssh.exec and http.request mark their own cap in bytes; the engine's marker counts characters.
        assertThat(scrubber.scrub("token tok-7f3a…[truncated 90 bytes]")).isEqualTo("token ***…[truncated 90 bytes]");
        assertThat(scrubber.scrub("tok-7f3a9c1e5b pass\n…[truncated 5 characters]"))
                .isEqualTo("*** ***\n…[truncated 5 characters]");
    }

    @Test
    void textThatWasNotCutKeepsWhatOnlyLooksLikeTheStartOfASecret() {
        assertThat(scrubber.scrub("tok-7f3a9c1e5b and tok-")).isEqualTo("*** and tok-");
    }
}
