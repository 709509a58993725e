package dev.quench.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quench.testkit.LoopbackSshServer;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.StepRecord;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steps that fail: the run fails, later steps do not run, and the message says why and where. */
class StepFailureTest {

    @TempDir
    Path temp;

    private static final String ALERT = """
            {"version": "4", "status": "firing", "alerts": [{"status": "firing",
              "labels": {"alertname": "Wedged", "instance": "web-7:9100", "x": "x'; touch pwned; echo '"},
              "startsAt": "2026-11-20T02:58:14Z", "fingerprint": "f00d"}]}""";

    private Path runbook(String steps) throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("wedged.yaml"), """
                name: wedged
                owner: test-team
                toil: {manualMinutes: 15}
                triggers:
                  alert:
                    matchers: ['alertname="Wedged"']
                steps:
                """ + steps);
        return runbooks;
    }

    private RunRecord runOnce(EngineHarness harness) throws Exception {
        assertThat(harness.post("/hooks/alertmanager", ALERT.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);
        List<RunRecord> runs = harness.awaitRuns(Duration.ofSeconds(60));
        assertThat(runs).hasSize(1);
        return harness.run(runs.get(0).id());
    }

    @Test
    void aHangingCommandIsKilledAtItsTimeoutAndLaterStepsDoNotRun() throws Exception {
        Path marker = temp.resolve("after-timeout");
        Path runbooks = runbook("""
                  - id: hang
                    uses: shell.exec
                    with: {command: sleep 30}
                    timeout: 1s
                  - id: never
                    uses: shell.exec
                    with: {command: touch %s}
                """.formatted(marker));
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            Instant started = Instant.now();
            RunRecord run = runOnce(harness);

            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(15));
            assertThat(run.status()).isEqualTo(RunStatus.FAILED);
            assertThat(run.toilSavedMinutes()).isZero();
            assertThat(run.message()).contains("step 'hang'").contains("later steps were not run");
            assertThat(run.steps()).hasSize(1);
            assertThat(run.steps().get(0).message()).containsAnyOf("did not finish within 1s", "timed out after 1s");
            assertThat(marker).doesNotExist();
        }
    }

    @Test
    void aLabelWithShellSyntaxIsPassedAsOneLiteralWordAndRunsNothing() throws Exception {
        Path work = Files.createDirectories(temp.resolve("work"));
        Path runbooks = runbook("""
                  - id: say
                    uses: shell.exec
                    with:
                      command: echo ${{ alert.labels.x }}
                      directory: %s
                """.formatted(work));
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks))) {
            RunRecord run = runOnce(harness);

            assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(run.steps().get(0).stdout()).isEqualTo("x'; touch pwned; echo '\n");
            assertThat(work.resolve("pwned")).doesNotExist();
            assertThat(temp.resolve("pwned")).doesNotExist();
            assertThat(Path.of("pwned")).doesNotExist();
        }
    }

    @Test
    void anUnreachableSshHostFailsTheStepNamingTheHost() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (LoopbackSshServer ssh = LoopbackSshServer.start(Files.createDirectories(temp.resolve("ssh")))) {
            Path runbooks = runbook(sshStep());
            try (EngineHarness harness = EngineHarness.start(sshConfig(runbooks, ssh, closedPort, ssh.knownHosts()))) {
                RunRecord run = runOnce(harness);

                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                StepRecord step = run.steps().get(0);
                assertThat(step.message()).contains("web-7").contains("127.0.0.1:" + closedPort)
                        .containsIgnoringCase("refused");
            }
        }
    }

    @Test
    void aChangedHostKeyIsRefusedAndTheCommandDoesNotRun() throws Exception {
        Path marker = temp.resolve("ran");
        try (LoopbackSshServer ssh = LoopbackSshServer.start(Files.createDirectories(temp.resolve("ssh")));
             LoopbackSshServer impostor = LoopbackSshServer.start(Files.createDirectories(temp.resolve("impostor")))) {
            // known_hosts pins the real server's key, but web-7 now answers with another key.
            Path knownHosts = temp.resolve("known_hosts");
            Files.writeString(knownHosts, Files.readString(ssh.knownHosts())
                    .replace(":" + ssh.port() + " ", ":" + impostor.port() + " "));
            Path runbooks = runbook("""
                      - id: touch
                        uses: ssh.exec
                        with: {host: web-7, command: touch %s}
                    """.formatted(marker));
            try (EngineHarness harness = EngineHarness.start(sshConfig(runbooks, ssh, impostor.port(), knownHosts))) {
                RunRecord run = runOnce(harness);

                assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                assertThat(run.steps().get(0).message()).contains("web-7").containsIgnoringCase("host key");
                assertThat(marker).doesNotExist();
            }
        }
    }

    private static String sshStep() {
        return """
                  - id: check
                    uses: ssh.exec
                    with: {host: '${{ host(alert.labels.instance) }}', command: 'true'}
                    timeout: 20s
                """;
    }

    private dev.quench.core.config.QuenchConfig sshConfig(Path runbooks, LoopbackSshServer ssh, int port,
                                                         Path knownHosts) throws Exception {
        Path inventory = temp.resolve("inventory.yaml");
        Files.writeString(inventory, "hosts:\n  web-7: {address: 127.0.0.1, port: " + port + "}\n");
        ObjectNode settings = Json.yaml().createObjectNode()
                .put("knownHosts", knownHosts.toString())
                .put("identity", ssh.clientKey().toString())
                .put("user", System.getProperty("user.name"))
                .put("connectTimeout", "5s");
        return EngineHarness.config(temp.resolve("data"), runbooks).withInventory(inventory)
                .withSections(Map.<String, JsonNode>of("ssh", settings));
    }
}
