package dev.quench.plugin.ssh;

import dev.quench.testkit.OpenSshServer;

import dev.quench.api.StepResult;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More concurrent steps on one host than OpenSSH's {@code MaxSessions} (10 by default) allows channels on one
 * connection: with the default {@code ssh.maxChannelsPerHost} (8) all of them succeed over one login; with the
 * limit raised above MaxSessions, sshd refuses the extra channels (which shows that the test really reaches
 * the limit).
 */
class SshChannelLimitOpenSshIT {

    private static final int STEPS = 12;

    @TempDir
    static Path serverDirectory;
    private static OpenSshServer server;

    @TempDir
    Path directory;

    @BeforeAll
    static void startSshd() throws Exception {
        Assumptions.assumeTrue(OpenSshServer.available(), "install openssh-server to run this test");
        server = OpenSshServer.start(serverDirectory);
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Runs {@link #STEPS} steps at once in one run; returns each one's result or failure message. */
    private List<String> concurrentSteps(Integer maxChannelsPerHost) throws Exception {
        Path knownHosts = Files.writeString(directory.resolve("known_hosts"), server.knownHostsLine() + "\n");
        List<String> outcomes = new ArrayList<>();
        try (SshExecStep step = new SshExecStep(); TestRunResources resources = new TestRunResources()) {
            step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(knownHosts.toString(), null,
                    server.clientKey().toString(), null, server.port(), null, maxChannelsPerHost))
                    .dataDirectory(directory.resolve("data")).build());
            List<Future<String>> futures = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int index = 0; index < STEPS; index++) {
                    String command = "sleep 2; echo step-" + index;
                    futures.add(threads.submit(() -> {
                        try {
                            StepResult result = step.execute(StepTestContext.of(resources),
                                    SshExecConfig.of("127.0.0.1", command));
                            return result.succeeded() ? result.stdout().strip() : "failed: " + result.message();
                        } catch (Exception e) {
                            return "failed: " + e.getMessage();
                        }
                    }));
                }
                for (Future<String> future : futures) {
                    outcomes.add(future.get(2, TimeUnit.MINUTES));
                }
            }
        }
        return outcomes;
    }

    @Test
    void twelveConcurrentStepsOnOneHostAllSucceedOverOneLogin() throws Exception {
        long loginsBefore = server.acceptedLogins();

        List<String> outcomes = concurrentSteps(null);

        List<String> expected = new ArrayList<>();
        for (int index = 0; index < STEPS; index++) {
            expected.add("step-" + index);
        }
        assertThat(outcomes).containsExactlyElementsOf(expected);
        assertThat(server.acceptedLogins() - loginsBefore).isEqualTo(1);
    }

    @Test
    void withTheLimitAboveMaxSessionsSshdRefusesTheExtraChannels() throws Exception {
        List<String> outcomes = concurrentSteps(STEPS);

        assertThat(outcomes).filteredOn(outcome -> outcome.startsWith("failed: "))
                .isNotEmpty()
                .allMatch(outcome -> outcome.contains("the server refused to start the command"));
    }
}
