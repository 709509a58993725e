package dev.quench.plugin.ssh;

import dev.quench.api.InventoryHost;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ssh.script} against an in-process MINA SSHD server that really runs the commands (as this user, on
 * this machine, so the test can see whether the uploaded file is gone afterwards).
 */
class SshScriptStepTest {

    private static KeyPair clientKey;
    private static LoopbackSshServer server;

    @TempDir
    Path directory;
    private TestRunResources resources;
    private SshScriptStep step;

    @BeforeAll
    static void startServer() throws Exception {
        clientKey = TestKeys.ecdsa();
        server = LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        Path knownHosts = Files.writeString(directory.resolve("known_hosts"), server.knownHostsLine() + "\n");
        Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        resources = new TestRunResources();
        step = new SshScriptStep();
        step.start(TestPluginEnvironment.builder()
                .settings("ssh", new SshSettings(knownHosts.toString(), "strict", identity.toString(), null, null, null))
                .hosts(List.of(
                        new InventoryHost("web-1", "127.0.0.1", server.port(), null, null, Map.of("role", "web")),
                        new InventoryHost("web-2", "127.0.0.1", server.port(), null, null, Map.of("role", "web"))))
                .dataDirectory(directory.resolve("data")).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
    }

    private static SshScriptConfig script(String text, String file, List<String> args, String interpreter,
                                          Map<String, String> env) {
        return SshScriptConfig.builder().host("web-1").script(text).file(file).args(args).interpreter(interpreter)
                .env(env).build();
    }

    private StepResult run(SshScriptConfig config) throws Exception {
        return step.execute(StepTestContext.of(resources), config);
    }

    /** The script's own path, which each test script prints on its first line ("$0"). */
    private static Path uploadedPath(StepResult result) {
        return Path.of(result.stdout().lines().findFirst().orElseThrow());
    }

    @Test
    void isRegisteredAsServiceWithTypeSshScript() {
        assertThat(ServiceLoader.load(StepPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(SshScriptStep.class);
        assertThat(step.type()).isEqualTo("ssh.script");
    }

    @Test
    void runsTheScriptWithEachArgumentAsOneWordAndRemovesIt() throws Exception {
        List<String> args = List.of("two words", "it's", "$(touch /tmp/pwned)", "", "`id`;");

        StepResult result = run(SshScriptConfig.of("web-1", "echo \"$0\"\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n"
                + "ls -l \"$0\" | cut -c1-10\n", args));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.stdout().lines().skip(1).toList())
                .containsExactly("[two words]", "[it's]", "[$(touch /tmp/pwned)]", "[]", "[`id`;]", "-rw-------");
        assertThat(uploadedPath(result)).doesNotExist();
    }

    @Test
    void aFailingScriptFailsTheStepWithItsExitCodeAndIsRemovedToo() throws Exception {
        StepResult result = run(SshScriptConfig.of("web-1", "echo \"$0\"; echo broken >&2; exit 3", List.of()));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).isEqualTo("broken\n");
        assertThat(result.message()).isEqualTo("web-1 (127.0.0.1:" + server.port() + "): command exited with code 3");
        assertThat(uploadedPath(result)).doesNotExist();
    }

    @Test
    void aLocalFileRunsUnderTheGivenInterpreterWithEnv() throws Exception {
        Path file = Files.writeString(directory.resolve("check.sh"),
                "echo \"$0\"\nwords=(\"$@\")\necho \"${#words[@]} args, greeting: $GREETING\"\n");

        StepResult result = run(script(null, file.toString(), List.of("a b", "c"), "/bin/bash -e",
                Map.of("GREETING", "it's me")));

        assertThat(result.stdout().lines().skip(1).toList()).containsExactly("2 args, greeting: it's me");
        assertThat(uploadedPath(result)).doesNotExist();
    }

    @Test
    void aScriptStoppedAtItsTimeoutIsRemovedEvenIfItIgnoresTheSignal() throws Exception {
        StepTestContext context = StepTestContext.builder().resources(resources).timeout(Duration.ofSeconds(2)).build();

        // The script ignores TERM, so its shell's trap never runs: Quench's own rm must remove the file.
        StepResult result = step.execute(context, SshScriptConfig.of("web-1",
                "echo \"$0\"; trap '' TERM; sleep 8", List.of()));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.message()).contains("timed out after 2s");
        assertThat(context.output().allInfo()).contains("cleanup done");
        assertThat(uploadedPath(result)).doesNotExist();
    }

    @Test
    void aFleetRunsTheScriptOnEveryTarget() throws Exception {
        StepResult result = run(SshScriptConfig.builder().script("echo \"$1 ran\"").args(List.of("it"))
                .selector("role=web").concurrency(2).build());

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(result.outputs().get("succeeded")).isEqualTo(2L);
    }

    @Test
    void aDryRunPlansTheUploadAndConnectsNowhere() throws Exception {
        int before = server.sessionsOpened();
        StepTestContext context = StepTestContext.builder().resources(resources).dryRun().build();

        step.execute(context, SshScriptConfig.of("web-1", "echo hi", List.of("x y")));

        assertThat(context.output().allInfo()).contains("dry run: would run on web-1 (127.0.0.1:" + server.port()
                + ")").contains("upload a script of 7 bytes and run /bin/sh <script> 'x y'");
        assertThat(server.sessionsOpened()).isEqualTo(before);
    }

    @Test
    void aMissingScriptFileIsNamedAndNothingRuns() {
        Path missing = directory.resolve("nope.sh");

        assertThatThrownBy(() -> run(script(null, missing.toString(), null, null, null)))
                .isInstanceOf(StepFailedException.class)
                .hasMessageStartingWith("cannot read script file " + missing + " on the Quench host")
                .hasMessageEndingWith("Nothing was run.");
    }

    @Test
    void badConfigurationIsRejectedWhenTheRunbookLoads() {
        assertThatThrownBy(() -> script(null, null, null, null, null))
                .hasMessage("script is required: the script text (or file: a script file on the Quench host)");
        assertThatThrownBy(() -> script("echo", "x.sh", null, null, null))
                .hasMessage("give only one of script and file");
        assertThatThrownBy(() -> script("echo", null, null, null, Map.of("BAD-NAME", "x")))
                .hasMessageStartingWith("env name 'BAD-NAME' is not a shell variable name");
    }
}
