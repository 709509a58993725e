package dev.quench.plugin.ssh;

import dev.quench.api.InventoryHost;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.testkit.StepTestContext;
import dev.quench.testkit.TestKeys;
import dev.quench.testkit.TestPluginEnvironment;
import dev.quench.testkit.TestRunResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ssh.exec} with {@code jump:} against in-process MINA SSHD servers: a bastion that allows
 * {@code direct-tcpip}, one that does not, and two targets reached only through the bastion.
 */
class SshJumpHostTest {

    private static KeyPair clientKey;
    private static LoopbackSshServer bastion;
    private static LoopbackSshServer noForwarding;
    private static LoopbackSshServer web1;
    private static LoopbackSshServer web2;
    private static int closedPort;

    @TempDir
    Path directory;
    private Path knownHosts;
    private TestRunResources resources;
    private SshExecStep step;

    @BeforeAll
    static void startServers() throws Exception {
        clientKey = TestKeys.ecdsa();
        bastion = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0).allowTcpForwarding();
        noForwarding = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
        web1 = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
        web2 = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (LoopbackSshServer server : List.of(bastion, noForwarding, web1, web2)) {
            server.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        knownHosts = Files.writeString(directory.resolve("known_hosts"), String.join("\n", bastion.knownHostsLine(),
                noForwarding.knownHostsLine(), web1.knownHostsLine(), web2.knownHostsLine()) + "\n");
        Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        resources = new TestRunResources();
        step = new SshExecStep();
        step.start(TestPluginEnvironment.builder()
                .settings("ssh", new SshSettings(knownHosts.toString(), "strict", identity.toString(), null, null, null))
                .hosts(List.of(
                        new InventoryHost("bastion", "127.0.0.1", bastion.port(), null, null, Map.of()),
                        new InventoryHost("closed-bastion", "127.0.0.1", closedPort, null, null, Map.of()),
                        new InventoryHost("web-1", "127.0.0.1", web1.port(), null, null, Map.of("role", "web")),
                        new InventoryHost("web-2", "127.0.0.1", web2.port(), null, null, Map.of("role", "web")),
                        new InventoryHost("web-down", "127.0.0.1", closedPort, null, null, Map.of())))
                .dataDirectory(directory.resolve("data")).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
    }

    private StepResult run(String host, String jump, String command) throws Exception {
        return step.execute(StepTestContext.of(resources), SshExecConfig.of(host, command).viaJump(jump));
    }

    @Test
    void stepsOnTwoTargetsBehindTheBastionShareOneJumpConnection() throws Exception {
        int bastionBefore = bastion.sessionsOpened();
        int web1Before = web1.sessionsOpened();

        for (int index = 0; index < 3; index++) {
            StepResult result = run("web-1", "bastion", "echo hello " + index);
            assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(result.stdout()).isEqualTo("hello " + index + "\n");
        }
        StepResult fleet = step.execute(StepTestContext.of(resources), SshExecConfig.builder().command("echo fleet")
                .selector("role=web").concurrency(2).jump("bastion").build());

        assertThat(fleet.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(fleet.outputs().get("succeeded")).isEqualTo(2L);
        assertThat(bastion.sessionsOpened() - bastionBefore).as("jump connections").isEqualTo(1);
        assertThat(web1.sessionsOpened() - web1Before).as("connections to web-1").isEqualTo(1);
        assertThat(bastion.commands()).as("the bastion only forwards, it runs nothing").isEmpty();
        assertThat(web2.commands()).last().isEqualTo("echo fleet");
    }

    @Test
    void aUserAtHostPortJumpNeedsNoInventoryEntry() throws Exception {
        StepResult result = run("web-1", System.getProperty("user.name") + "@127.0.0.1:" + bastion.port(), "echo ok");

        assertThat(result.stdout()).isEqualTo("ok\n");
    }

    @Test
    void aRefusedJumpHostIsNamedAsTheHopThatFailed() {
        assertThatThrownBy(() -> run("web-1", "closed-bastion", "true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("web-1 (127.0.0.1:" + web1.port() + " via closed-bastion): cannot reach the "
                        + "jump host, so Quench did not connect to web-1. Jump host closed-bastion (127.0.0.1:"
                        + closedPort + "): connection refused");
        assertThat(web1.commands()).doesNotContain("true");
    }

    @Test
    void anUnknownJumpHostKeyIsRefusedLikeATargetKey() throws Exception {
        Files.writeString(knownHosts, web1.knownHostsLine() + "\n");

        assertThatThrownBy(() -> run("web-1", "bastion", "true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("Jump host bastion (127.0.0.1:" + bastion.port() + "): unknown host key")
                .hasMessageContaining(HostKeys.fingerprint(bastion.hostKeyBlob()));
    }

    @Test
    void aTargetRefusingThroughTheJumpHostIsNamedWithWhatToCheck() {
        assertThatThrownBy(() -> run("web-down", "bastion", "true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("web-down (127.0.0.1:" + closedPort + " via bastion): the jump host bastion "
                        + "(127.0.0.1:" + bastion.port() + ") could not open a connection to 127.0.0.1:" + closedPort)
                .hasMessageContaining("AllowTcpForwarding");
    }

    @Test
    void aJumpHostThatForbidsForwardingIsNamed() {
        String jump = System.getProperty("user.name") + "@127.0.0.1:" + noForwarding.port();

        assertThatThrownBy(() -> run("web-1", jump, "true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageContaining("could not open a connection to 127.0.0.1:" + web1.port())
                .hasMessageContaining("does the jump host's sshd allow TCP forwarding");
    }

    @Test
    void anUnknownTargetKeyBehindTheJumpHostIsRefusedForTheTarget() throws Exception {
        Files.writeString(knownHosts, bastion.knownHostsLine() + "\n");

        assertThatThrownBy(() -> run("web-1", "bastion", "true"))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("web-1 (127.0.0.1:" + web1.port() + " via bastion): unknown host key: [127.0.0.1]:"
                        + web1.port() + " is not in");
    }

    @Test
    void aMalformedJumpIsRejectedWhenTheRunbookLoads() {
        assertThatThrownBy(() -> SshExecConfig.of("web-1", "true").viaJump("ops@bastion:http"))
                .hasMessage("jump 'ops@bastion:http' is not an inventory name or [user@]host[:port]: the port 'http' "
                        + "is not a number between 1 and 65535");
        assertThat(JumpSpec.parse("ops@[::1]:2222")).isEqualTo(new JumpSpec("ops", "::1", 2222));
        assertThat(JumpSpec.parse("bastion")).isEqualTo(new JumpSpec(null, "bastion", null));
    }
}
