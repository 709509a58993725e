package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;

/** Telling this console's origin from another's, as the CSRF check does with Origin and Referer. */
class CsrfCheckTest {

    @Test
    void theSameHostAndPortIsThisConsole() {
        assertThat(CsrfCheck.sameHost("http://127.0.0.1:9095", HostAndPort.create("127.0.0.1", 9095))).isTrue();
        assertThat(CsrfCheck.sameHost("http://127.0.0.1:9095/runs?x=1", HostAndPort.create("127.0.0.1", 9095))).isTrue();
        assertThat(CsrfCheck.sameHost("HTTPS://Quench.Example.com", HostAndPort.create("quench.example.com", -1)))
                .as("behind a TLS proxy: the default port of the origin's scheme").isTrue();
        assertThat(CsrfCheck.sameHost("http://[::1]:9095", HostAndPort.create("[::1]", 9095))).isTrue();
    }

    @Test
    void anotherHostPortOrSchemeIsNot() {
        HostAndPort self = HostAndPort.create("quench.example.com", 9095);
        assertThat(CsrfCheck.sameHost("http://evil.example:9095", self)).isFalse();
        assertThat(CsrfCheck.sameHost("http://quench.example.com:9096", self)).isFalse();
        assertThat(CsrfCheck.sameHost("http://quench.example.com.evil.example:9095", self)).isFalse();
        assertThat(CsrfCheck.sameHost("http://quench.example.com", self)).isFalse();
        assertThat(CsrfCheck.sameHost("file:///etc/passwd", self)).isFalse();
        assertThat(CsrfCheck.sameHost("null", self)).isFalse();
        assertThat(CsrfCheck.sameHost("not a url at all", self)).isFalse();
    }
}
