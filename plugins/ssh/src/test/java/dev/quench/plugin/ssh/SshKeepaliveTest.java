package dev.quench.plugin.ssh;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A target that vanishes mid-command without closing the connection (a network blackhole: no FIN, no RST)
 * fails its step after the keepalives' window, naming the host and the silence, not at the step's timeout.
 */
class SshKeepaliveTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void silentlyDroppedTargetFailsAfterUnansweredKeepalivesNotAtTheTimeout() throws Exception {
        try (LoopbackSshServer server = LoopbackSshServer.start(directory);
             BlackholeProxy proxy = new BlackholeProxy(server.port());
             SshExecStep step = new SshExecStep()) {
            Path knownHosts = Files.writeString(directory.resolve("proxy_known_hosts"), server.knownHostsLine()
                    .replace("[127.0.0.1]:" + server.port(), "[127.0.0.1]:" + proxy.port()) + "\n");
            // 1 s × 2 unanswered: the connection ends after about 3 s of silence.
            step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(knownHosts.toString(),
                    "strict", server.clientKey().toString(), null, null, null, null, Duration.ofSeconds(1), 2))
                    .dataDirectory(directory.resolve("data")).build());
            String display = "127.0.0.1 (127.0.0.1:" + proxy.port() + ")";
            try (TestRunResources run = new TestRunResources()) {
                // A quiet command longer than the window, on a healthy link: keepalives are answered.
                StepResult quiet = step.execute(StepTestContext.builder().timeout(STEP_TIMEOUT).resources(run).build(),
                        SshExecConfig.builder().host("127.0.0.1").port(proxy.port()).command("sleep 5; echo alive")
                                .build());
                assertThat(quiet.stdout()).isEqualTo("alive\n");

                StepTestContext context = StepTestContext.builder().timeout(STEP_TIMEOUT).resources(run).build();
                CompletableFuture<StepResult> running = CompletableFuture.supplyAsync(() -> {
                    try {
                        return step.execute(context,
                                SshExecConfig.builder().host("127.0.0.1").port(proxy.port()).command("sleep 60")
                                        .build());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                server.awaitCommand("sleep 60", java.time.Duration.ofSeconds(30));

                Instant dropped = Instant.now();
                proxy.blackhole();
                StepResult result = running.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                Duration noticed = Duration.between(dropped, Instant.now());

                assertThat(result.status()).isEqualTo(StepStatus.FAILED);
                assertThat(result.message()).startsWith(display + ": no answer from the server for ")
                        .contains("a keepalive every 1s, 2 unanswered; ssh.serverAliveInterval")
                        .contains("check the host before running the step again");
                // About 3 s; generous for a loaded machine, far below the command (60 s) and the timeout (90 s).
                assertThat(noticed).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void keepaliveSettingsAreChecked() {
        assertThatThrownBy(() -> new SshSettings(null, null, null, null, null, null, null, Duration.ofMillis(10), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ssh.serverAliveInterval must be at least 100ms");
        assertThatThrownBy(() -> new SshSettings(null, null, null, null, null, null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ssh.serverAliveCountMax must be at least 1, got 0");
        SshSettings defaults = SshSettings.defaults();
        assertThat(defaults.serverAliveInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.serverAliveCountMax()).isEqualTo(3);
        assertThat(defaults.keepaliveWindow()).isEqualTo(Duration.ofSeconds(20));
    }
}
