package dev.quench.plugin.ssh;

import dev.quench.testkit.OpenSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quench.api.Cancellation;
import dev.quench.api.RunResources;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepOutput;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code ssh.exec} fails against Debian's OpenSSH when the server or the command misbehaves: a
 * server that offers only legacy algorithms, and a command that prints a gigabyte.
 */
class SshFailureModesOpenSshIT {

    private static final long ONE_GIB = 1L << 30;

    @TempDir
    Path directory;

    @Test
    void serverOfferingOnlyLegacyKeyExchangeIsRefusedWithWhatToCheck() throws Exception {
        assertLegacyServerRefused(List.of("KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1"),
                "the server offers only legacy key exchange algorithms"
                        + " (diffie-hellman-group1-sha1, diffie-hellman-group14-sha1)",
                "Check KexAlgorithms in the host's sshd_config");
    }

    @Test
    void serverOfferingOnlyLegacyCiphersIsRefusedWithWhatToCheck() throws Exception {
        assertLegacyServerRefused(List.of("Ciphers 3des-cbc,aes128-cbc"),
                "the server offers only legacy cipher algorithms (3des-cbc, aes128-cbc)",
                "Check Ciphers in the host's sshd_config");
    }

    @Test
    void serverOfferingOnlySha1RsaHostKeysIsRefusedWithWhatToCheck() throws Exception {
        Assumptions.assumeTrue(OpenSshServer.available(), "install openssh-server to run this test");
        Path rsaHostKey = directory.resolve("ssh_host_rsa_key");
        OpenSshServer.run("/usr/bin/ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", rsaHostKey.toString());
        assertLegacyServerRefused(List.of("HostKey " + rsaHostKey, "HostKeyAlgorithms ssh-rsa"),
                "the server offers only legacy host key algorithms (ssh-rsa)",
                "Check HostKeyAlgorithms (and an ed25519 or ECDSA HostKey) in the host's sshd_config");
    }

    private void assertLegacyServerRefused(List<String> sshdConfig, String reason, String whatToCheck)
            throws Exception {
        Assumptions.assumeTrue(OpenSshServer.available(), "install openssh-server to run this test");
        try (OpenSshServer server = OpenSshServer.start(Files.createDirectories(directory.resolve("legacy-sshd")), false, sshdConfig);
             TestRunResources resources = new TestRunResources()) {
            SshExecStep step = started(server);
            try {
                assertThatThrownBy(() -> step.execute(StepTestContext.of(resources),
                        SshExecConfig.of("127.0.0.1", "touch " + directory.resolve("ran"))))
                        .isInstanceOf(StepFailedException.class)
                        .hasMessageStartingWith("127.0.0.1 (127.0.0.1:" + server.port() + "): " + reason)
                        .hasMessageContaining("the command was not run")
                        .hasMessageContaining(whatToCheck);
            } finally {
                step.close();
            }
            assertThat(directory.resolve("ran")).doesNotExist();
            assertThat(server.acceptedLogins()).isZero();
        }
    }

    @Test
    void commandPrintingAGigabyteKeepsOnlyTheCapAndSaysItWasTruncated() throws Exception {
        Assumptions.assumeTrue(OpenSshServer.available(), "install openssh-server to run this test");
        try (OpenSshServer server = OpenSshServer.start(Files.createDirectories(directory.resolve("sshd")));
             TestRunResources resources = new TestRunResources()) {
            SshExecStep step = started(server);
            CountingContext context = new CountingContext(
                    StepTestContext.builder().timeout(Duration.ofMinutes(4)).resources(resources).build());
            Instant start = Instant.now();
            StepResult result;
            try {
                result = step.execute(context, SshExecConfig.of("127.0.0.1", "head -c " + ONE_GIB + " /dev/zero"));
            } finally {
                step.close();
            }
            Duration took = Duration.between(start, Instant.now());

            assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
            // The whole gigabyte streamed by (the live view), but the result holds only the first 64 KiB.
            assertThat(context.streamedChars.get()).isEqualTo(ONE_GIB);
            assertThat(result.stdout())
                    .hasSize(RemoteCommand.OUTPUT_CAP_BYTES + ("…[truncated " + (ONE_GIB - RemoteCommand.OUTPUT_CAP_BYTES)
                            + " bytes]").length())
                    .endsWith("\0…[truncated " + (ONE_GIB - RemoteCommand.OUTPUT_CAP_BYTES) + " bytes]");
            // Generous: a loaded 2-core machine moves a gigabyte through sshd and JSch in well under this.
            assertThat(took).isLessThan(Duration.ofMinutes(3));
            System.out.printf("1 GiB over OpenSSH: %d ms%n", took.toMillis());
        }
    }

    private SshExecStep started(OpenSshServer server) throws Exception {
        Path knownHosts = Files.writeString(Files.createDirectories(directory.resolve("client-" + server.port()))
                .resolve("known_hosts"), server.knownHostsLine() + "\n");
        SshExecStep step = new SshExecStep();
        step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(knownHosts.toString(), null,
                server.clientKey().toString(), null, server.port(), null)).dataDirectory(directory.resolve("data")).build());
        return step;
    }

    /** A step context whose live output counts what streams by instead of keeping it (1 GiB would not fit). */
    private static final class CountingContext implements StepContext {

        final AtomicLong streamedChars = new AtomicLong();
        private final StepContext delegate;
        private final StepOutput output = new StepOutput() {
            @Override
            public void stdout(String chunk) {
                streamedChars.addAndGet(chunk.length());
            }

            @Override
            public void stderr(String chunk) {
            }

            @Override
            public void info(String message) {
            }
        };

        CountingContext(StepContext delegate) {
            this.delegate = delegate;
        }

        @Override
        public String runId() {
            return delegate.runId();
        }

        @Override
        public String runbook() {
            return delegate.runbook();
        }

        @Override
        public String stepId() {
            return delegate.stepId();
        }

        @Override
        public boolean dryRun() {
            return delegate.dryRun();
        }

        @Override
        public Duration timeout() {
            return delegate.timeout();
        }

        @Override
        public Instant deadline() {
            return delegate.deadline();
        }

        @Override
        public StepOutput output() {
            return output;
        }

        @Override
        public Cancellation cancellation() {
            return delegate.cancellation();
        }

        @Override
        public RunResources resources() {
            return delegate.resources();
        }
    }
}
