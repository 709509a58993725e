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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ssh.exec} fanned out over several in-process MINA SSHD servers, one per inventory host. */
class SshFanOutTest {

    private static final int WEB_HOSTS = 6;
    private static KeyPair clientKey;
    private static final List<LoopbackSshServer> servers = new ArrayList<>();
    private static int closedPort;

    @TempDir
    Path directory;
    private TestRunResources resources;
    private SshExecStep step;

    @BeforeAll
    static void startServers() throws Exception {
        clientKey = TestKeys.ecdsa();
        for (int index = 0; index < WEB_HOSTS; index++) {
            servers.add(LoopbackSshServer.start(TestKeys.ecdsa(), clientKey.getPublic(), 0));
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (LoopbackSshServer server : servers) {
            server.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Path knownHosts = Files.writeString(directory.resolve("known_hosts"), servers.stream()
                .map(LoopbackSshServer::knownHostsLine).collect(Collectors.joining("\n", "", "\n")));
        Path identity = TestKeys.writeOpenSsh(clientKey, directory.resolve("id_ecdsa"));
        List<InventoryHost> inventory = new ArrayList<>();
        for (int index = 0; index < WEB_HOSTS; index++) {
            inventory.add(new InventoryHost("web-" + (index + 1), "127.0.0.1", servers.get(index).port(), null, null,
                    Map.of("role", "web", "env", index < 4 ? "prod" : "staging")));
        }
        inventory.add(new InventoryHost("db-down", "127.0.0.1", closedPort, null, null, Map.of("role", "db")));
        inventory.add(new InventoryHost("cache-down", "127.0.0.1", closedPort, null, null, Map.of("role", "cache")));
        resources = new TestRunResources();
        step = new SshExecStep();
        step.start(TestPluginEnvironment.builder()
                .settings("ssh", new SshSettings(knownHosts.toString(), "strict", identity.toString(), null, null, null))
                .hosts(inventory).dataDirectory(directory.resolve("data")).build());
    }

    @AfterEach
    void tearDown() throws Exception {
        resources.close();
        step.close();
    }

    private static SshExecConfig fleet(List<String> hosts, String selector, Integer concurrency, String maxErrors,
                                       Integer canary, String command) {
        return SshExecConfig.builder().command(command).hosts(hosts).selector(selector).concurrency(concurrency)
                .maxErrors(maxErrors).canary(canary).build();
    }

    private StepResult run(SshExecConfig config) throws Exception {
        return step.execute(StepTestContext.of(resources), config);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> targets(StepResult result) {
        return (List<Map<String, Object>>) result.outputs().get("targets");
    }

    private static Map<String, Object> target(StepResult result, String host) {
        return targets(result).stream().filter(entry -> entry.get("host").equals(host)).findFirst().orElseThrow();
    }

    @Test
    void aSelectorRunsTheCommandOnEveryMatchingHostAndReportsEachTarget() throws Exception {
        StepResult result = run(fleet(null, "role=web,env=prod", null, null, null, "echo hello from $((40 + 2))"));

        assertThat(result.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(targets(result)).extracting(entry -> entry.get("host"))
                .containsExactly("web-1", "web-2", "web-3", "web-4");
        assertThat(targets(result)).allSatisfy(entry -> {
            assertThat(entry).containsEntry("status", "succeeded").containsEntry("exitCode", 0)
                    .containsEntry("stdout", "hello from 42\n").containsKey("durationMillis");
        });
        assertThat(result.stdout()).contains("web-1  succeeded in ")
                .contains("4 targets: 4 succeeded, 0 failed, 0 not started");
        for (int index = 0; index < 4; index++) {
            assertThat(servers.get(index).commands()).last().isEqualTo("echo hello from $((40 + 2))");
        }
        assertThat(servers.get(4).commands()).doesNotContain("echo hello from $((40 + 2))");
    }

    @Test
    void eachHostKeepsOneConnectionForTheWholeRun() throws Exception {
        int before = servers.stream().mapToInt(LoopbackSshServer::sessionsOpened).sum();

        run(fleet(null, "role=web", 3, null, null, "true"));
        run(fleet(List.of("web-1", "web-2"), null, null, null, null, "true"));

        assertThat(servers.stream().mapToInt(LoopbackSshServer::sessionsOpened).sum() - before).isEqualTo(WEB_HOSTS);
        assertThat(resources.size()).isEqualTo(WEB_HOSTS);
    }

    @Test
    void noMoreThanConcurrencyTargetsRunAtOnce() throws Exception {
        StepResult result = run(fleet(null, "role=web", 2, null, null,
                "date +%s%N; sleep 0.3; date +%s%N"));

        assertThat(result.succeeded()).isTrue();
        List<long[]> spans = targets(result).stream().map(entry -> ((String) entry.get("stdout")).lines()
                .mapToLong(Long::parseLong).toArray()).toList();
        for (long[] span : spans) {
            long running = spans.stream().filter(other -> other[0] <= span[0] && other[1] > span[0]).count();
            assertThat(running).as("targets running when one started (itself included)").isLessThanOrEqualTo(2);
        }
        assertThat(spans.stream().mapToLong(span -> span[0]).max().orElseThrow()
                - spans.stream().mapToLong(span -> span[0]).min().orElseThrow())
                .as("6 targets of 0.3 s, 2 at a time: the last starts at least 0.6 s after the first")
                .isGreaterThanOrEqualTo(600_000_000L);
    }

    @Test
    void theCanaryRunsAloneBeforeTheRest() throws Exception {
        StepResult result = run(fleet(null, "role=web", 10, null, 1, "date +%s%N; sleep 0.2; date +%s%N"));

        assertThat(result.succeeded()).isTrue();
        long canaryEnd = Long.parseLong(((String) target(result, "web-1").get("stdout")).lines().toList().get(1));
        for (int index = 2; index <= WEB_HOSTS; index++) {
            long start = Long.parseLong(((String) target(result, "web-" + index).get("stdout")).lines().findFirst()
                    .orElseThrow());
            assertThat(start).as("web-%d started after the canary ended", index).isGreaterThan(canaryEnd);
        }
    }

    @Test
    void aFailedCanaryStopsTheRollout() throws Exception {
        StepResult result = run(fleet(List.of("db-down", "web-1", "web-2"), null, null, "100%", 1, "true"));

        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(target(result, "db-down")).containsEntry("status", "failed");
        assertThat((String) target(result, "db-down").get("message"))
                .startsWith("db-down (127.0.0.1:" + closedPort + "): connection refused");
        assertThat(target(result, "web-1")).containsEntry("status", "skipped")
                .containsEntry("message", "not started: 1 of the 1 canary targets failed");
        assertThat(result.message()).startsWith("3 targets: 0 succeeded, 1 failed, 2 not started")
                .contains("Stopped the rollout: not started: 1 of the 1 canary targets failed");
    }

    @Test
    void byDefaultTheFirstFailureStopsNewTargets() throws Exception {
        StepResult result = run(fleet(List.of("web-1", "db-down", "web-2", "web-3"), null, 1, null, null, "true"));

        assertThat(targets(result)).extracting(entry -> entry.get("status"))
                .containsExactly("succeeded", "failed", "skipped", "skipped");
        assertThat(target(result, "web-2")).containsEntry("message",
                "not started: 1 targets failed, more than maxErrors 0 allows (0)");
        assertThat(result.message()).contains("Failed: db-down (127.0.0.1:" + closedPort + "): connection refused");
    }

    @Test
    void aPercentageOfErrorsIsToleratedButTheStepStillFails() throws Exception {
        StepResult result = run(fleet(List.of("db-down", "cache-down", "web-1", "web-2"), null, 1, "50%", null,
                "exit 0"));

        assertThat(targets(result)).extracting(entry -> entry.get("status"))
                .containsExactly("failed", "failed", "succeeded", "succeeded");
        assertThat(result.status()).isEqualTo(StepStatus.FAILED);
        assertThat(result.outputs()).containsEntry("failed", 2L).containsEntry("succeeded", 2L);
    }

    @Test
    void aNonZeroExitCodeIsATargetFailureWithItsOutput() throws Exception {
        StepResult result = run(fleet(List.of("web-1", "web-2"), null, null, "1", null, "echo oops >&2; exit 3"));

        assertThat(target(result, "web-1")).containsEntry("status", "failed").containsEntry("exitCode", 3)
                .containsEntry("stderr", "oops\n");
        assertThat(result.stdout()).contains("web-1  FAILED in ").contains("(exit 3)");
    }

    @Test
    void aDryRunListsTheTargetsAndConnectsNowhere() throws Exception {
        int before = servers.stream().mapToInt(LoopbackSshServer::sessionsOpened).sum();
        StepTestContext context = StepTestContext.builder().resources(resources).dryRun().build();

        assertThat(step.execute(context, fleet(null, "env=staging", 5, "10%", 1, "true")).succeeded()).isTrue();

        assertThat(context.output().allInfo()).isEqualTo("dry run: would run on 2 targets (concurrency 5, maxErrors "
                + "10%, canary 1): true; targets: web-5, web-6");
        assertThat(servers.stream().mapToInt(LoopbackSshServer::sessionsOpened).sum()).isEqualTo(before);
    }

    @Test
    void aSelectorMatchingNothingFailsNamingTheLabelsInUse() {
        assertThatThrownBy(() -> run(fleet(null, "role=mail", null, null, null, "true")))
                .isInstanceOf(StepFailedException.class)
                .hasMessage("selector role=mail matched no host of the inventory (8 hosts; labels in use: env, role); "
                        + "check the labels in inventory.yaml. Nothing was run.");
    }

    @Test
    void badFleetSettingsAreRejectedWhenTheRunbookLoads() {
        assertThatThrownBy(() -> SshExecConfig.builder().host("web-1").command("true").hosts(List.of("web-2"))
                .build()).hasMessage("give only one of host, hosts and selector");
        assertThatThrownBy(() -> fleet(null, "role", null, null, null, "true"))
                .hasMessage("selector term 'role' in 'role' is not label=value or label!=value (example: role=web,env=prod)");
        assertThatThrownBy(() -> fleet(List.of("web-1"), null, null, "lots", null, "true"))
                .hasMessage("maxErrors must be a count (3) or a percentage (10%), got lots");
        assertThatThrownBy(() -> fleet(List.of("web-1"), null, 0, null, null, "true"))
                .hasMessage("concurrency must be at least 1, got 0");
        assertThatThrownBy(() -> fleet(List.of("web-1", "web-1"), null, null, null, null, "true"))
                .hasMessage("hosts lists web-1 twice: each target runs once");
        assertThatThrownBy(() -> SshExecConfig.builder().host("web-1").command("true").concurrency(5).build())
                .hasMessage("concurrency, maxErrors and canary apply to a fleet: use hosts or selector instead of host");
    }
}
