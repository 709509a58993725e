package dev.quench.plugin.ssh;

import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestKeys;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code privateKey:} — the key's text from a secret instead of a key file — against MINA SSHD. */
class SshPrivateKeyTest {

    @TempDir
    Path directory;

    @Test
    void ecdsaAndRsaKeysGivenAsTextLogInWithoutAnyKeyFile() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(3072);
        for (KeyPair clientKey : List.of(TestKeys.ecdsa(), rsa.generateKeyPair())) {
            String type = clientKey.getPublic().getAlgorithm();
            String keyText = keyText(clientKey, null);
            try (LoopbackSshServer server = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
                 SshExecStep step = started(server);
                 TestRunResources run = new TestRunResources()) {
                StepResult result = step.execute(StepTestContext.of(run),
                        SshExecConfig.builder().host("127.0.0.1").port(server.port()).command("echo " + type).build()
                                .withPrivateKey(keyText));

                assertThat(result.stdout()).as(type).isEqualTo(type + "\n");
            }
            assertThat(filesContaining(keyText.lines().skip(1).findFirst().orElseThrow()))
                    .as("no copy of the " + type + " key on disk").isEmpty();
        }
    }

    @Test
    void passphraseProtectedKeyTextNeedsItsPassphrase() throws Exception {
        KeyPair clientKey = TestKeys.ecdsa();
        String keyText = keyText(clientKey, "open sesame");
        try (LoopbackSshServer server = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
             SshExecStep step = started(server)) {
            SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").port(server.port()).command("echo in")
                    .privateKey(keyText).build();
            String display = "127.0.0.1 (127.0.0.1:" + server.port() + ")";
            try (TestRunResources run = new TestRunResources()) {
                assertThat(step.execute(StepTestContext.of(run), config.withPassphrase("open sesame")).stdout())
                        .isEqualTo("in\n");
            }
            try (TestRunResources run = new TestRunResources()) {
                assertThatThrownBy(() -> step.execute(StepTestContext.of(run), config))
                        .isInstanceOf(StepFailedException.class)
                        .hasMessage(display + ": the step's privateKey is protected by a passphrase, and the step "
                                + "gives none. Set passphrase: ${{ secrets.<name> }} on the step.");
            }
            try (TestRunResources run = new TestRunResources()) {
                assertThatThrownBy(() -> step.execute(StepTestContext.of(run), config.withPassphrase("wrong")))
                        .isInstanceOf(StepFailedException.class)
                        .hasMessage(display + ": wrong passphrase for the step's privateKey: check the secret the "
                                + "step's passphrase comes from. Quench did not try to log in.");
            }
            assertThat(server.sessionsOpened()).as("only the run with the right passphrase logged in").isEqualTo(1);
            assertThat(config.withPassphrase("open sesame").toString())
                    .contains("privateKey=***", "passphrase=***").doesNotContain("open sesame")
                    .doesNotContain(keyText.lines().skip(1).findFirst().orElseThrow());
        }
    }

    @Test
    void textThatIsNotAPrivateKeyIsRefusedWithoutQuotingIt() {
        SshExecConfig config = SshExecConfig.of("web-7", "true");

        assertThatThrownBy(() -> config.withPrivateKey("/home/ops/.ssh/id_ed25519"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("privateKey is not a private key: it has no '-----BEGIN ... PRIVATE KEY-----' "
                        + "line (its text is not shown: it comes from a secret)")
                .hasMessageNotContaining("/home/ops");
        assertThatThrownBy(() -> config.withPrivateKey("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("privateKey is empty: check the secret it comes from");
        assertThatThrownBy(() -> SshExecConfig.builder().host("web-7").identity("~/.ssh/id_ed25519").command("true")
                .privateKey("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("give only one of identity (a private key file) and privateKey (the private key itself, "
                        + "from a secret)");
    }

    @Test
    void keyTextJSchCannotParseIsNamedAsTheStepsPrivateKey() throws Exception {
        KeyPair clientKey = TestKeys.ecdsa();
        try (LoopbackSshServer server = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
             SshExecStep step = started(server);
             TestRunResources run = new TestRunResources()) {
            String broken = "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n";

            assertThatThrownBy(() -> step.execute(StepTestContext.of(run),
                    SshExecConfig.builder().host("127.0.0.1").port(server.port()).command("true").build()
                            .withPrivateKey(broken)))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessageStartingWith("127.0.0.1 (127.0.0.1:" + server.port() + "): the step's privateKey is "
                            + "not a private key Quench can read")
                    .hasMessageNotContaining("bm90IGEga2V5");
            assertThat(server.sessionsOpened()).isZero();
        }
    }

    private SshExecStep started(LoopbackSshServer server) throws Exception {
        Path knownHosts = Files.writeString(directory.resolve("known_hosts_" + server.port()),
                server.knownHostsLine() + "\n");
        SshExecStep step = new SshExecStep();
        // No identity anywhere in the settings: the step's privateKey is the only key there is.
        step.start(TestPluginEnvironment.builder()
                .settings("ssh", new SshSettings(knownHosts.toString(), "strict", null, "quench", null, null))
                .dataDirectory(directory.resolve("data")).build());
        return step;
    }

    /** The key as a secret holds it: the text of a key file, which is then deleted. */
    private String keyText(KeyPair keyPair, String passphrase) throws Exception {
        Path file = directory.resolve("key-" + System.nanoTime());
        if (passphrase == null) {
            TestKeys.writeOpenSsh(keyPair, file);
        } else {
            TestKeys.writeOpenSshEncrypted(keyPair, file, passphrase);
        }
        String text = Files.readString(file);
        Files.delete(file);
        return text;
    }

    /** Files under the test's directory and the JVM's temp directory (one level) that contain {@code text}. */
    private List<Path> filesContaining(String text) throws Exception {
        List<Path> found = new java.util.ArrayList<>();
        for (Path root : List.of(directory, Path.of(System.getProperty("java.io.tmpdir")))) {
            try (Stream<Path> files = Files.walk(root, root.equals(directory) ? Integer.MAX_VALUE : 1)) {
                for (Path file : files.filter(Files::isRegularFile).filter(Files::isReadable).toList()) {
                    try {
                        if (Files.size(file) < 1 << 20 && Files.readString(file).contains(text)) {
                            found.add(file);
                        }
                    } catch (java.io.IOException | java.io.UncheckedIOException unreadable) {
                        // Binary or vanished files cannot hold the key's text.
                    }
                }
            }
        }
        return found;
    }
}
