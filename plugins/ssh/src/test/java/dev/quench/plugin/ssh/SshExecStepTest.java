package dev.quench.plugin.ssh;

import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestKeys;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import dev.quench.api.InventoryHost;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.exec} against an in-process MINA SSHD server that really runs the commands. */
class SshExecStepTest {

    private static KeyPair hostKey;
    private static KeyPair clientKey;
    private static LoopbackSshServer server;

    @TempDir
    Path directory;
    private Path knownHosts;
    private Path identity;
    private TestRunResources resources;
    private SshExecStep step;

    @BeforeAll
    static void startServer() throws Exception {
        hostKey = TestKeys.ecdsa();
        clientKey = TestKeys.ecdsa();
        server = LoopbackSshServer.start(hostKey, clientKey.getPublic(), 0);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        knownHosts = Files.writeString(directory.resolve("known_hosts"), server.knownHostsLine() + "\n");
        identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        resources = new TestRunResources();
        step = started(new SshSettings(knownHosts.toString(), "strict", identity.toString(), "quench", null, null));
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
    }

    private SshExecStep started(SshSettings settings) {
        SshExecStep plugin = new SshExecStep();
        List<InventoryHost> inventory = List.of(
                new InventoryHost("web-7", "127.0.0.1", server.port(), "deploy", null, Map.of("role", "web")));
        plugin.start(TestPluginEnvironment.builder().settings("ssh", settings).hosts(inventory).dataDirectory(directory.resolve("data")).build());
        return plugin;
    }

    private SshExecConfig onServer(String command) {
        return SshExecConfig.builder().host("127.0.0.1").port(server.port()).command(command).build();
    }

    private StepResult run(SshExecConfig config) throws Exception {
        return step.execute(StepTestContext.of(resources), config);
    }

    private String display() {
        return "127.0.0.1 (127.0.0.1:" + server.port() + ")";
    }

    @Test
    void isRegisteredAsServiceWithTypeSshExec() {
        assertThat(ServiceLoader.load(StepPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(SshExecStep.class);
        assertThat(step.type()).isEqualTo("ssh.exec");
        assertThat(step.configType()).isEqualTo(SshExecConfig.class);
    }

    @Test
    void runsCommandAndReturnsOutputAndExitCode() throws Exception {
        StepTestContext context = StepTestContext.of(resources);

        StepResult result = step.execute(context, onServer("echo hello; echo warning >&2"));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("hello\n");
        assertThat(result.stderr()).isEqualTo("warning\n");
        assertThat(context.output().allStdout()).isEqualTo("hello\n");
        assertThat(context.output().allInfo()).contains("connected to " + display()).contains("SHA256:");
    }

    @Test
    void nonZeroExitFailsTheStepWithTheExitCode() throws Exception {
        StepResult result = run(onServer("echo partial; exit 3"));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("partial\n");
        assertThat(result.message()).isEqualTo(display() + ": command exited with code 3");
    }

    @Test
    void commandWithQuotesRunsExactlyAsGiven() throws Exception {
        String command = "printf '%s|' \"a  b\" 'c\"d' \"it's\" '$HOME' `echo x`";

        StepResult result = run(onServer(command));

        assertThat(result.stdout()).isEqualTo("a  b|c\"d|it's|$HOME|x|");
        assertThat(server.commands()).last().isEqualTo(command);
    }

    @Test
    void sudoWrapsTheWholeCommandAsOneQuotedArgumentOfShC() throws Exception {
        String command = "echo \"it's\" | tr a-z A-Z > /dev/null; echo '$done'";

        run(SshExecConfig.builder().host("127.0.0.1").port(server.port()).command(command).sudo(true).build());

        String sent = server.commands().getLast();
        assertThat(sent).isEqualTo("sudo -n -- sh -c 'echo \"it'\\''s\" | tr a-z A-Z > /dev/null; echo '\\''$done'\\'''");
        // What sudo would run, `sh -c <one word>`, prints exactly what the unwrapped command prints.
        String unwrapped = sent.substring("sudo -n -- ".length());
        assertThat(runLocally(unwrapped)).isEqualTo(runLocally(command)).isEqualTo("$done\n");
    }

    @Test
    void envIsExportedQuotedAndInsideSudosShell() throws Exception {
        SshExecConfig config = SshExecConfig.builder().host("127.0.0.1").port(server.port())
                .command("echo \"$GREETING|$EMPTY\"").env(Map.of("GREETING", "it's $HOME", "EMPTY", "")).build();

        assertThat(run(config).stdout()).isEqualTo("it's $HOME|\n");
        SshExecConfig withSudo = SshExecConfig.builder().host("127.0.0.1").port(server.port()).command("env").sudo(true)
                .env(Map.of("A", "1")).build();
        assertThat(withSudo.remoteCommand()).isEqualTo("sudo -n -- sh -c 'export A=1; env'");
    }

    private static String runLocally(String command) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return output;
    }

    @Test
    void inventoryNameResolvesToTheInventoryAddressPortAndUser() throws Exception {
        StepTestContext context = StepTestContext.of(resources);

        StepResult result = step.execute(context, SshExecConfig.of("web-7", "echo via inventory; exit 4"));

        assertThat(result.stdout()).isEqualTo("via inventory\n");
        assertThat(result.message()).isEqualTo("web-7 (127.0.0.1:" + server.port() + "): command exited with code 4");
        assertThat(context.output().allInfo()).contains("as deploy");
    }

    @Test
    void fiveStepsOfOneRunShareOneSshConnection() throws Exception {
        int before = server.sessionsOpened();

        for (int index = 0; index < 5; index++) {
            assertThat(run(onServer("echo step " + index)).stdout()).isEqualTo("step " + index + "\n");
        }

        assertThat(server.sessionsOpened() - before).isEqualTo(1);
        resources.close();
        awaitOpenSessions(0);
    }

    @Test
    void largeOutputIsStreamedInFullButCappedInTheResult() throws Exception {
        StepTestContext context = StepTestContext.of(resources);

        StepResult result = step.execute(context, onServer("head -c 200000 /dev/zero | tr '\\0' x"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).startsWith("xxxx")
                .endsWith("x…[truncated " + (200_000 - RemoteCommand.OUTPUT_CAP_BYTES) + " bytes]")
                .hasSize(RemoteCommand.OUTPUT_CAP_BYTES + "…[truncated 134464 bytes]".length());
        assertThat(context.output().allStdout()).hasSize(200_000);
    }

    @Test
    void hangingCommandIsStoppedAtTheDeadlineAndTheRunClosesCleanly() throws Exception {
        StepTestContext context = StepTestContext.builder().resources(resources).timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();

        StepResult result = step.execute(context, onServer("sleep 30"));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofMillis(2200));
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isNull();
        assertThat(result.message()).isEqualTo(display() + ": timed out after 1s; the remote command was stopped with TERM");

        long closeStart = System.nanoTime();
        resources.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closeStart)).isLessThan(Duration.ofSeconds(1));
        awaitOpenSessions(0);
    }

    @Test
    void cancellingTheRunStopsTheCommandPromptly() throws Exception {
        StepTestContext context = StepTestContext.of(resources);
        long[] cancelledAt = new long[1];
        Thread.ofVirtual().start(() -> {
            while (!context.output().allStdout().contains("started")) {
                sleepQuietly(10);
            }
            cancelledAt[0] = System.nanoTime();
            context.cancellation().cancel("run cancelled by alice");
        });

        StepResult result = step.execute(context, onServer("echo started; sleep 30"));

        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt[0])).isLessThan(Duration.ofMillis(1000));
        assertThat(result.message()).isEqualTo(display() + ": run cancelled by alice; the remote command was stopped with TERM");
        assertThat(result.stdout()).isEqualTo("started\n");
    }

    @Test
    void unknownHostKeyIsRefusedWithItsFingerprintAndTheCommandDoesNotRun() throws Exception {
        Files.writeString(knownHosts, "# no keys yet\n");
        Path marker = directory.resolve("ran");

        assertThatThrownBy(() -> run(onServer("touch " + marker)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display() + ": unknown host key: [127.0.0.1]:" + server.port() + " is not in "
                        + knownHosts)
                .hasMessageContaining("Quench never accepts unknown host keys")
                .hasMessageContaining("ecdsa-sha2-nistp256 key " + HostKeys.fingerprint(server.hostKeyBlob()))
                .hasMessageContaining("ssh-keyscan -p " + server.port() + " -t ecdsa-sha2-nistp256 127.0.0.1 >> "
                        + knownHosts)
                .hasCauseInstanceOf(com.jcraft.jsch.JSchException.class);
        assertThat(marker).doesNotExist();
        assertThat(server.commands()).noneMatch(command -> command.contains(marker.toString()));
    }

    @Test
    void changedHostKeyIsRefusedLoudlyNamingTheKnownHostsLine() throws Exception {
        KeyPair impostor = TestKeys.ecdsa();
        try (LoopbackSshServer other = LoopbackSshServer.start(impostor, clientKey.getPublic(), 0)) {
            // known_hosts holds the real key for the port the impostor now answers on.
            String realKeyForOtherPort = server.knownHostsLine().replace("]:" + server.port() + " ", "]:" + other.port() + " ");
            Files.writeString(knownHosts, "# fleet keys\n" + realKeyForOtherPort + "\n");

            assertThatThrownBy(() -> run(SshExecConfig.builder().host("127.0.0.1").port(other.port()).command("true")
                    .build()))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessageStartingWith("127.0.0.1 (127.0.0.1:" + other.port() + "): HOST KEY CHANGED!")
                    .hasMessageContaining("man-in-the-middle")
                    .hasMessageContaining(knownHosts + " line 2")
                    .hasMessageContaining(HostKeys.fingerprint(other.hostKeyBlob()));
            assertThat(other.commands()).isEmpty();
        }
    }

    @Test
    void hashedKnownHostsEntriesAreAccepted() throws Exception {
        String[] parts = server.knownHostsLine().split(" ");
        Files.writeString(knownHosts, KnownHostsFileTest.hashed(parts[0]) + " " + parts[1] + " " + parts[2] + "\n");

        assertThat(run(onServer("echo ok")).stdout()).isEqualTo("ok\n");
    }

    @Test
    void tofuPinsTheFirstKeyAndRefusesAChangedOneAfterwards() throws Exception {
        Files.writeString(knownHosts, "");
        KeyPair firstKey = TestKeys.ecdsa();
        int port;
        SshExecStep tofu = started(new SshSettings(knownHosts.toString(), "tofu", identity.toString(), null, null, null));
        Path pinned = directory.resolve("data").resolve(SshExecStep.PINNED_HOSTS_FILE);
        try (LoopbackSshServer first = LoopbackSshServer.start(firstKey, clientKey.getPublic(), 0)) {
            port = first.port();
            StepTestContext context = StepTestContext.of(resources);
            assertThat(tofu.execute(context, SshExecConfig.builder().host("127.0.0.1").port(port).command("echo first")
                    .build())
                    .stdout()).isEqualTo("first\n");
            assertThat(context.output().allInfo()).contains("pinned on first use into " + pinned);
            assertThat(Files.readString(pinned)).startsWith(first.knownHostsLine() + " ");
            resources.close();
            // Pinned keys are trusted on later connections.
            try (TestRunResources again = new TestRunResources()) {
                assertThat(tofu.execute(StepTestContext.of(again),
                        SshExecConfig.builder().host("127.0.0.1").port(port).command("echo again").build()).stdout())
                        .isEqualTo("again\n");
            }
        }
        try (LoopbackSshServer replaced = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), port);
             TestRunResources later = new TestRunResources()) {
            assertThatThrownBy(() -> tofu.execute(StepTestContext.of(later),
                    SshExecConfig.builder().host("127.0.0.1").port(port).command("echo replaced").build()))
                    .isInstanceOf(StepFailedException.class)
                    .hasMessageContaining("HOST KEY CHANGED!")
                    .hasMessageContaining(pinned + " line 1");
            assertThat(replaced.commands()).isEmpty();
        } finally {
            tofu.close();
        }
    }

    @Test
    void connectionRefusedSaysNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> run(SshExecConfig.builder().host("127.0.0.1").port(closedPort).command("true")
                .build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("127.0.0.1 (127.0.0.1:" + closedPort + "): connection refused: nothing accepts SSH "
                        + "connections on port " + closedPort + ". Is sshd running on the host, and is the port right?")
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void unknownHostNameSaysDnsLookupFailed() {
        assertThatThrownBy(() -> run(SshExecConfig.builder().host("no-such-host.invalid").port(22).command("true")
                .connectTimeout(Duration.ofSeconds(2)).build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("no-such-host.invalid (no-such-host.invalid:22): unknown host name "
                        + "'no-such-host.invalid' (DNS lookup failed)");
    }

    @Test
    void authenticationFailureNamesUserAndKeyFile() throws Exception {
        Path stranger = TestKeys.writeOpenSsh(TestKeys.ecdsa(), directory.resolve("id_stranger"));

        assertThatThrownBy(() -> run(SshExecConfig.builder().host("127.0.0.1").port(server.port()).user("ops")
                .identity(stranger.toString()).command("true").build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display() + ": authentication failed for user 'ops' with key " + stranger
                        + " (the step's identity)");
    }

    @Test
    void missingKeyFileIsNamed() {
        Path missing = directory.resolve("nope");

        assertThatThrownBy(() -> run(SshExecConfig.builder().host("127.0.0.1").port(server.port())
                .identity(missing.toString()).command("true").build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessage(display() + ": private key file " + missing + " does not exist (from the step's identity)."
                        + " Check the path.");
    }

    @Test
    void passphraseProtectedKeyIsRefusedWithAnExplanation() throws Exception {
        Path locked = TestKeys.writeOpenSshEncrypted(clientKey, directory.resolve("id_locked"), "secret");

        assertThatThrownBy(() -> run(SshExecConfig.builder().host("127.0.0.1").port(server.port())
                .identity(locked.toString()).command("true").build()))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith(display() + ": private key file " + locked + " is protected by a passphrase, and the step gives none");
    }

    @Test
    void dryRunPlansWithoutConnecting() throws Exception {
        int before = server.sessionsOpened();
        StepTestContext context = StepTestContext.builder().resources(resources).dryRun().build();

        StepResult result = step.execute(context, SshExecConfig.builder().host("web-7").command("rm -rf /tmp/x")
                .sudo(true).build());

        assertThat(result.succeeded()).isTrue();
        assertThat(context.output().allInfo()).isEqualTo("dry run: would run on web-7 (127.0.0.1:" + server.port()
                + ") as deploy: sudo -n -- sh -c 'rm -rf /tmp/x'");
        assertThat(server.sessionsOpened()).isEqualTo(before);
    }

    @Test
    void configRejectsMissingHostAndCommandInWordsForTheRunbookAuthor() {
        assertThatThrownBy(() -> SshExecConfig.of(" ", "uptime"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host is required: an inventory name or an address (or hosts: a list, or selector: role=web)");
        assertThatThrownBy(() -> SshExecConfig.of("web-7", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command is required: the shell command to run on the host");
    }

    @Test
    void settingsHaveNoAcceptAllPolicy() {
        assertThatThrownBy(() -> new SshSettings(null, "accept-all", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ssh.hostKeyPolicy must be 'strict' or 'tofu', got 'accept-all'. Quench has "
                        + "no accept-all policy");
        SshSettings defaults = SshSettings.defaults();
        assertThat(defaults.knownHostsFile()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
        assertThat(defaults.policy()).isEqualTo(SshSettings.HostKeyPolicy.STRICT);
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void closingThePluginClosesSessionsOfRunsStillGoing() throws Exception {
        run(onServer("true"));
        awaitOpenSessions(1);

        step.close();

        awaitOpenSessions(0);
    }

    private static void awaitOpenSessions(int expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.sessionsOpen() != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(server.sessionsOpen()).as("open SSH sessions on the server").isEqualTo(expected);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
