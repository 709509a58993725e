package dev.quench.plugin.ssh;

import dev.quench.testkit.OpenSshServer;

import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.exec} against Debian's real OpenSSH server, started by the test. */
class SshExecOpenSshIT {

    @TempDir
    static Path serverDirectory;
    private static OpenSshServer server;

    @TempDir
    Path directory;
    private Path knownHosts;
    private TestRunResources resources;
    private SshExecStep step;

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

    @BeforeEach
    void setUp() throws Exception {
        knownHosts = Files.writeString(directory.resolve("known_hosts"), server.knownHostsLine() + "\n");
        resources = new TestRunResources();
        step = new SshExecStep();
        step.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(knownHosts.toString(), null,
                server.clientKey().toString(), null, server.port(), null)).dataDirectory(directory.resolve("data")).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
    }

    private StepResult run(String command) throws Exception {
        return step.execute(StepTestContext.of(resources), SshExecConfig.of("127.0.0.1", command));
    }

    private String display() {
        return "127.0.0.1 (127.0.0.1:" + server.port() + ")";
    }

    @Test
    void runsCommandsWithOutputAndExitCodes() throws Exception {
        StepResult ok = run("echo hello; echo warning >&2");
        StepResult failed = run("printf 'it'\\''s %s\\n' \"$((6 * 7))\"; exit 7");

        assertThat(ok.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(ok.stdout()).isEqualTo("hello\n");
        assertThat(ok.stderr()).isEqualTo("warning\n");
        assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
        assertThat(failed.exitCode()).isEqualTo(7);
        assertThat(failed.stdout()).isEqualTo("it's 42\n");
        assertThat(failed.message()).isEqualTo(display() + ": command exited with code 7");
    }

    @Test
    void stepsOfOneRunLogInOnce() throws Exception {
        long before = server.acceptedLogins();

        for (int index = 0; index < 5; index++) {
            assertThat(run("echo " + index).stdout()).isEqualTo(index + "\n");
        }

        assertThat(server.acceptedLogins() - before).isEqualTo(1);
    }

    @Test
    void jumpHostConnectionIsMadeOnceAndCarriesEveryStep() throws Exception {
        long before = server.acceptedLogins();
        // sshd is its own bastion here: the second login arrives through its direct-tcpip channel.
        SshExecConfig viaJump = SshExecConfig.of("127.0.0.1", "echo through; echo $SSH_CONNECTION").viaJump("127.0.0.1");

        for (int index = 0; index < 3; index++) {
            StepResult result = step.execute(StepTestContext.of(resources), viaJump);
            assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(result.stdout()).startsWith("through\n127.0.0.1 ");
        }

        assertThat(server.acceptedLogins() - before).as("one login on the jump host, one on the target").isEqualTo(2);
    }

    @Test
    void keysWithPassphraseMadeBySshKeygenLogInForEveryKeyType() throws Exception {
        for (String type : List.of("rsa", "ecdsa", "ed25519")) {
            Path key = directory.resolve("id_" + type + "_locked");
            OpenSshServer.run("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "open sesame", "-C", "quench-it", "-f",
                    key.toString());
            Files.writeString(server.directory().resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")),
                    java.nio.file.StandardOpenOption.APPEND);
            SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").identity(key.toString())
                    .command("echo " + type).build();

            try (TestRunResources run = new TestRunResources()) {
                StepResult result = step.execute(StepTestContext.of(run), config.withPassphrase("open sesame"));
                assertThat(result.stdout()).as(type).isEqualTo(type + "\n");
            }
            try (TestRunResources run = new TestRunResources()) {
                assertThatThrownBy(() -> step.execute(StepTestContext.of(run), config.withPassphrase("wrong")))
                        .as(type)
                        .isInstanceOf(StepFailedException.class)
                        .hasMessageStartingWith(display() + ": wrong passphrase for private key file " + key);
            }
        }
        assertThat(SshExecConfig.of("h", "true").withPassphrase("open sesame").toString())
                .contains("passphrase=***").doesNotContain("open sesame");
    }

    @Test
    void privateKeyTextFromASecretLogsInForEveryKeyTypeWithoutTheKeyFile() throws Exception {
        for (String type : List.of("rsa", "ecdsa", "ed25519", "ed25519-locked")) {
            boolean locked = type.endsWith("-locked");
            Path key = directory.resolve("secret_" + type);
            OpenSshServer.run("/usr/bin/ssh-keygen", "-q", "-t", type.replace("-locked", ""), "-N",
                    locked ? "open sesame" : "", "-C", "quench-it", "-f", key.toString());
            Files.writeString(server.directory().resolve("authorized_keys"), Files.readString(Path.of(key + ".pub")),
                    java.nio.file.StandardOpenOption.APPEND);
            // As a secret holds it: the file's text, with the file itself gone.
            String keyText = Files.readString(key);
            Files.delete(key);
            SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").command("echo " + type).build()
                    .withPrivateKey(keyText);

            try (TestRunResources run = new TestRunResources()) {
                StepResult result = step.execute(StepTestContext.of(run),
                        locked ? config.withPassphrase("open sesame") : config);
                assertThat(result.stdout()).as(type).isEqualTo(type + "\n");
            }
        }
    }

    @Test
    void scriptIsUploadedRunWithQuotedArgumentsAndRemoved() throws Exception {
        try (SshScriptStep script = new SshScriptStep()) {
            script.start(TestPluginEnvironment.builder().settings("ssh", new SshSettings(knownHosts.toString(), null,
                    server.clientKey().toString(), null, server.port(), null)).dataDirectory(directory.resolve("data")).build());

            StepResult result = script.execute(StepTestContext.of(resources), SshScriptConfig.of("127.0.0.1",
                    "echo \"$0\"; printf '[%s]' \"$@\"; echo; exit 5", List.of("a b", "it's", "$(id)")));

            assertThat(result.exitCode()).isEqualTo(5);
            List<String> lines = result.stdout().lines().toList();
            assertThat(lines.get(1)).isEqualTo("[a b][it's][$(id)]");
            assertThat(Path.of(lines.get(0))).as("the uploaded script, after the step").doesNotExist();
        }
    }

    @Test
    void targetRefusingThroughAnOpenSshJumpHostIsNamed() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").port(closedPort).command("true").build()
                .viaJump("127.0.0.1:" + server.port());

        assertThatThrownBy(() -> step.execute(StepTestContext.of(resources), config))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("127.0.0.1 (127.0.0.1:" + closedPort + " via 127.0.0.1): the jump host "
                        + "127.0.0.1 (127.0.0.1:" + server.port() + ") could not open a connection to 127.0.0.1:"
                        + closedPort);
    }

    @Test
    void unknownHostKeyFingerprintIsTheOneSshKeygenPrints() throws Exception {
        Files.writeString(knownHosts, "");
        String expected = OpenSshServer.run("/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", server.hostKey() + ".pub")
                .split(" ")[1];

        assertThatThrownBy(() -> run("true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display() + ": unknown host key")
                .hasMessageContaining("ssh-ed25519 key " + expected);
    }

    @Test
    void changedHostKeyIsRefused() throws Exception {
        Path otherKey = OpenSshServer.keygen(directory.resolve("other_host_key"));
        String[] other = Files.readString(Path.of(otherKey + ".pub")).split(" ");
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + other[0] + " " + other[1] + "\n");

        assertThatThrownBy(() -> run("true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display() + ": HOST KEY CHANGED!")
                .hasMessageContaining(knownHosts + " line 1");
    }

    @Test
    void knownHostsHashedBySshKeygenIsAccepted() throws Exception {
        OpenSshServer.run("/usr/bin/ssh-keygen", "-H", "-f", knownHosts.toString());
        assertThat(Files.readString(knownHosts)).startsWith("|1|");

        assertThat(run("echo hashed").stdout()).isEqualTo("hashed\n");
    }

    @Test
    void timedOutCommandIsStoppedOnTheServerToo() throws Exception {
        Optional<String> user = OpenSshServer.unprivilegedLoginUser();
        Assumptions.assumeTrue(user.isPresent(), "needs to run as root on a machine with an account besides root "
                + "that has a login shell: OpenSSH only signals commands of unprivileged logins");
        // A unique duration identifies our processes; the `; echo` keeps the shell from exec-ing sleep,
        // so the shell and its child must both go (OpenSSH signals the whole process group).
        String sleep = uniqueSleep();
        // The unprivileged user must be able to reach authorized_keys inside this test's directory.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (OpenSshServer pamServer = OpenSshServer.start(Files.createDirectory(directory.resolve("pam-sshd")), true)) {
            Files.writeString(knownHosts, pamServer.knownHostsLine() + "\n");
            assertStoppedOnTimeout(pamServer, user.get(), sleep);
        }
    }

    private void assertStoppedOnTimeout(OpenSshServer pamServer, String user, String sleep) throws Exception {
        StepTestContext context = StepTestContext.builder().resources(resources).timeout(Duration.ofSeconds(1)).build();
        SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").port(pamServer.port()).user(user)
                .identity(pamServer.clientKey().toString()).command(sleep + "; echo never").build();
        long start = System.nanoTime();

        StepResult result = step.execute(context, config);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2200));
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.message()).isEqualTo("127.0.0.1 (127.0.0.1:" + pamServer.port() + "): timed out after 1s; "
                + "the remote command was stopped with TERM");
        assertThat(processIdsRunning(sleep)).isEmpty();
        // The session survives a stopped command: the run's next step uses it.
        assertThat(step.execute(StepTestContext.of(resources), SshExecConfig.builder().host("127.0.0.1")
                .port(pamServer.port()).user(user).identity(pamServer.clientKey().toString()).command("echo next")
                .build()).stdout()).isEqualTo("next\n");
    }

    @Test
    void timedOutCommandOfARootLoginIsReportedAsPossiblyStillRunning() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "logs in as root");
        String sleep = uniqueSleep();
        StepTestContext context = StepTestContext.builder().resources(resources).timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();

        StepResult result = step.execute(context, SshExecConfig.builder().host("127.0.0.1").user("root").command(sleep)
                .build());

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2200));
        assertThat(result.message()).startsWith(display() + ": timed out after 1s; the server refused the TERM "
                + "signal request").contains("log in as an unprivileged user and use sudo: true");
        // What the message warns about is true: clean up the command this test left behind, by pid.
        List<Long> leftovers = processIdsRunning(sleep);
        assertThat(leftovers).isNotEmpty();
        leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    private static String uniqueSleep() {
        return "sleep 60." + ThreadLocalRandom.current().nextInt(100_000, 999_999);
    }

    /** Ids of local processes whose command line contains {@code marker} (sshd runs them on this machine). */
    private static List<Long> processIdsRunning(String marker) throws IOException {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(path -> path.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(path -> commandLine(path).contains(marker))
                    .map(path -> Long.parseLong(path.getFileName().toString()))
                    .toList();
        }
    }

    private static String commandLine(Path process) {
        try {
            return new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException ignored) {
            return ""; // the process ended while we looked
        }
    }
}
