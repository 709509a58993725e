package dev.quench.plugin.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder names every part of an ssh.exec step and checks them exactly as the record does. */
class SshExecConfigBuilderTest {

    private static final String KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----";

    @Test
    void toBuilderKeepsEveryPart() {
        // Between them the two steps set every component, so a part the copy forgot fails the test.
        SshExecConfig single = SshExecConfig.builder().host("web-7").port(2222).user("ops").identity("/etc/quench/id")
                .command("systemctl restart nginx").sudo(true).connectTimeout(Duration.ofSeconds(5)).jump("bastion")
                .env(Map.of("A", "1")).passphrase("open sesame").build();
        SshExecConfig fleet = SshExecConfig.builder().hosts(List.of("web-1", "web-2")).command("true").concurrency(2)
                .maxErrors("10%").canary(1).privateKey(KEY).build();

        assertThat(single.toBuilder().build()).isEqualTo(single);
        assertThat(fleet.toBuilder().build()).isEqualTo(fleet);
        assertThat(SshExecConfig.builder().selector("role=web").command("true").build().toBuilder().build().selector())
                .isEqualTo("role=web");
        assertThat(single.withCommand("uptime")).isEqualTo(single.toBuilder().command("uptime").build());
        assertThat(fleet.forHost("web-2")).isEqualTo(SshExecConfig.builder().host("web-2").command("true")
                .privateKey(KEY).build());
    }

    @Test
    void buildChecksLikeTheRecord() {
        assertThatThrownBy(() -> SshExecConfig.builder().command("true").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host is required: an inventory name or an address");
        assertThatThrownBy(() -> SshExecConfig.builder().host("web-7").build())
                .hasMessage("command is required: the shell command to run on the host");
        assertThatThrownBy(() -> SshExecConfig.builder().host("web-7").command("true").port(70_000).build())
                .hasMessage("port must be between 1 and 65535, got 70000");
    }
}
