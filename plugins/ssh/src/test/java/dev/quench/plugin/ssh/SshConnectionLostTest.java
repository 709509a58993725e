package dev.quench.plugin.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that drops while its command runs (the in-process MINA SSHD server is stopped, as a
 * rebooting host or a killed sshd would): the step fails at once, not at its timeout, says the
 * connection was lost, and leaves no SSH thread behind.
 */
class SshConnectionLostTest {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void targetDroppingMidCommandFailsPromptlyNamingTheHostAndConnectionLost() throws Exception {
        Set<Long> threadsBefore = sshThreadIds();
        LoopbackSshServer server = LoopbackSshServer.start(directory);
        SshExecStep step = new SshExecStep();
        step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(server.knownHosts().toString(),
                "strict", server.clientKey().toString(), null, null, null))
                .dataDirectory(directory.resolve("data")).build());
        TestRunResources resources = new TestRunResources();
        try {
            StepTestContext context = StepTestContext.builder().timeout(STEP_TIMEOUT).resources(resources).build();
            CompletableFuture<StepResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return step.execute(context,
                            SshExecConfig.builder().host("127.0.0.1").port(server.port()).command("sleep 30").build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            server.awaitCommand("sleep 30", java.time.Duration.ofSeconds(30));

            Instant dropped = Instant.now();
            server.close();
            StepResult result = running.get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Duration noticed = Duration.between(dropped, Instant.now());

            assertThat(result.status()).isEqualTo(StepStatus.FAILED);
            assertThat(result.message()).startsWith("127.0.0.1 (127.0.0.1:" + server.port() + "): connection lost"
                    + " while the command ran").contains("check the host before running the step again");
            // Promptly: far sooner than the command (30 s) or the step's timeout (60 s) would end.
            assertThat(noticed).isLessThan(Duration.ofSeconds(10));
        } finally {
            resources.close();
            step.close();
        }
        awaitNoNewSshThreads(threadsBefore);
    }

    /** JSch runs one "Connect thread host session" thread per SSH connection. */
    private static Set<Long> sshThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().startsWith("Connect thread"))
                .map(Thread::threadId).collect(Collectors.toSet());
    }

    private static void awaitNoNewSshThreads(Set<Long> before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.isAlive() && thread.getName().startsWith("Connect thread")
                            && !before.contains(thread.threadId()))
                    .map(Thread::getName).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        assertThat(left).as("SSH threads left behind").isEmpty();
    }
}
