package dev.quench.plugin.ssh;

import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.maxChannelsPerHost}: steps beyond it wait for a free channel of the host's connection. */
class ChannelLimitTest {

    @TempDir
    Path directory;
    private LoopbackSshServer server;
    private TestRunResources resources;
    private SshExecStep step;

    @BeforeEach
    void setUp() throws Exception {
        server = LoopbackSshServer.start(directory);
        resources = new TestRunResources();
        step = new SshExecStep();
        step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(server.knownHosts().toString(),
                        null, server.clientKey().toString(), null, server.port(), null, 1))
                .dataDirectory(directory.resolve("data")).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
        server.close();
    }

    @Test
    void stepBeyondTheLimitWaitsAndIsNotRunWhenItsTimeoutPassesFirst() throws Exception {
        CompletableFuture<StepResult> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return step.execute(StepTestContext.of(resources), SshExecConfig.of("127.0.0.1", "sleep 2; echo held"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitCommand("sleep 2; echo held");

        StepTestContext waiting = StepTestContext.builder().resources(resources).timeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> step.execute(waiting, SshExecConfig.of("127.0.0.1", "echo second")))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("127.0.0.1 (127.0.0.1:" + server.port() + "): timed out after 500ms waiting for "
                        + "a free SSH channel: all 1 channels of this host's connection (ssh.maxChannelsPerHost)")
                .hasMessageContaining("The command was not run");

        assertThat(holder.get(30, TimeUnit.SECONDS).stdout()).isEqualTo("held\n");
        assertThat(server.commands()).doesNotContain("echo second");
        assertThat(waiting.output().infoLines()).anyMatch(line -> line.contains("waiting for one"));
    }

    @Test
    void stepBeyondTheLimitRunsOnceTheChannelIsFreeOnTheSameConnection() throws Exception {
        CompletableFuture<StepResult> first = CompletableFuture.supplyAsync(() -> {
            try {
                return step.execute(StepTestContext.of(resources), SshExecConfig.of("127.0.0.1", "sleep 1; echo one"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitCommand("sleep 1; echo one");

        StepResult second = step.execute(StepTestContext.of(resources), SshExecConfig.of("127.0.0.1", "echo two"));

        assertThat(second.stdout()).isEqualTo("two\n");
        assertThat(first.get(30, TimeUnit.SECONDS).stdout()).isEqualTo("one\n");
        assertThat(server.sessionsOpened()).isEqualTo(1);
    }

    @Test
    void aLimitBelowOneIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new SshSettings(null, null, null, null, null, null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ssh.maxChannelsPerHost must be at least 1, got 0");
        assertThat(SshSettings.defaults().maxChannelsPerHost()).isEqualTo(8);
    }

    private void awaitCommand(String command) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!server.commands().contains(command) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(server.commands()).contains(command);
    }
}
