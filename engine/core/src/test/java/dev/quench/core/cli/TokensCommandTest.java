package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredToken;
import dev.quench.core.store.TokenRepository;
import dev.quench.core.testing.CapturedStdout;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench tokens} and {@code quench audit}, on a data directory's store and on a running engine. */
class TokensCommandTest {

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @TempDir
    Path temp;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private Path data;
    private Path runbooks;

    @BeforeEach
    void setUp() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        data = Files.createDirectories(temp.resolve("data"));
        runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("db-restart.yaml"), """
                name: db-restart
                owner: db-team
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
    }

    @AfterEach
    void tearDown() {
        System.setErr(originalErr);
    }

    @Test
    void onADataDirectoryTokensAreMadeListedAndRevokedAndEachChangeIsAudited() throws Exception {
        Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "").close();
        String dir = data.toString();

        assertThat(QuenchMain.run("tokens", "create", "ci-deploy", "--role", "operator", "--team", "db-team",
                "--expires", "90d", "--data", dir, "--runbooks", runbooks.toString())).isZero();

        String secret = stdout.text().strip();
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("token 'ci-deploy' (operator, team db-team, expires ")
                .contains("shown this once");
        try (Store store = Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "")) {
            StoredToken stored = store.tokens().findBySecret(secret).orElseThrow();
            assertThat(stored.name()).isEqualTo("ci-deploy");
            assertThat(stored.role()).isEqualTo(Role.OPERATOR);
            assertThat(stored.createdBy()).isEqualTo("local:" + System.getProperty("user.name"));
            assertThat(stored.expiresAt()).isAfter(Instant.now().plus(java.time.Duration.ofDays(89)));
        }
        stdout.reset();
        assertThat(QuenchMain.run("tokens", "list", "--data", dir)).isZero();
        assertThat(stdout.text()).containsPattern("ci-deploy +operator +db-team +active").doesNotContain(secret)
                .doesNotContain(TokenRepository.hash(secret));

        assertThat(QuenchMain.run("tokens", "revoke", "ci-deploy", "--data", dir)).isZero();
        stdout.reset();
        assertThat(QuenchMain.run("tokens", "list", "--data", dir)).isZero();
        assertThat(stdout.text()).containsPattern("ci-deploy +operator +db-team +revoked");

        stdout.reset();
        assertThat(QuenchMain.run("audit", "--data", dir, "--format", "json")).isZero();
        assertThat(stdout.text()).contains("\"action\" : \"token.revoke\"").contains("\"action\" : \"token.create\"")
                .contains("\"actor\" : \"local:" + System.getProperty("user.name") + "\"").doesNotContain(secret);
    }

    @Test
    void badInputExitsTwoNamingWhatIsWrongAndMakesNothing() throws Exception {
        Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "").close();
        String dir = data.toString();

        assertThat(QuenchMain.run("tokens", "create", "x", "--role", "root", "--data", dir)).isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "create", "evil\u001b[2J", "--role", "viewer", "--data", dir)).isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "create", "web", "--role", "viewer", "--team", "web-team", "--data", dir,
                "--runbooks", runbooks.toString())).isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "revoke", "nobody", "--data", dir)).isEqualTo(2);

        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains("quench tokens create: unknown role 'root': a role is sender, viewer, operator or admin")
                .contains("quench tokens create: invalid token name 'evil\\u001b[2J'")
                .contains("quench tokens create: unknown team 'web-team': no runbook in " + runbooks
                        + " has owner: web-team; the teams are db-team")
                .contains("quench tokens revoke: unknown token 'nobody'");
        try (Store store = Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "")) {
            assertThat(store.tokens().list()).isEmpty();
        }
        assertThat(QuenchMain.run("runs", "approve", "some-run", "--by", "ciso")).as("--by is gone").isEqualTo(2);
    }

    @Test
    void aSenderTokenNamesTheSourcesItPostsToAndOnlyASenderNamesAny() throws Exception {
        Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "").close();
        String dir = data.toString();
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                sources:
                  orders-api:
                    mapping: {name: /name}
                """);

        assertThat(QuenchMain.run("tokens", "create", "am", "--role", "sender", "--data", dir)).isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "create", "ops", "--role", "operator", "--source", "grafana",
                "--data", dir)).isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "create", "am", "--role", "sender", "--source", "orders-api",
                "--data", dir)).as("a generic source is known from --config only").isEqualTo(2);
        assertThat(QuenchMain.run("tokens", "create", "am", "--role", "sender", "--source", "generic/orders-api",
                "--data", dir, "--config", config.toString())).isEqualTo(2);

        assertThat(stderr.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "quench tokens create: a sender token may only post to the webhook sources it is bound to, and none "
                        + "was named: name each source it posts to (--source alertmanager, repeated for more)",
                "quench tokens create: only a sender token is bound to webhook sources; a token of role operator may "
                        + "post to every source: leave out the sources (--source)",
                "quench tokens create: unknown source 'orders-api': the sources are alertmanager, grafana, pagerduty "
                        + "(a generic source is the NAME of sources.NAME.mapping in quench.yaml, posted to "
                        + "/hooks/generic/NAME); pass --config FILE for the generic sources of quench.yaml",
                "quench tokens create: invalid source 'generic/orders-api': a source is named as under sources: in "
                        + "quench.yaml, 1-64 of [a-z0-9_-] (alertmanager, grafana, pagerduty, or NAME for "
                        + "/hooks/generic/NAME)");
        try (Store store = Store.open("jdbc:h2:file:" + data.resolve("quench"), "sa", "")) {
            assertThat(store.tokens().list()).isEmpty();
        }

        assertThat(QuenchMain.run("tokens", "create", "am", "--role", "sender", "--source", "alertmanager",
                "--source", "orders-api", "--data", dir, "--config", config.toString())).isZero();
        stdout.reset();
        assertThat(QuenchMain.run("tokens", "list", "--data", dir)).isZero();
        assertThat(stdout.text()).containsPattern("am +sender +- +active +never +alertmanager,orders-api +local:");
    }

    @Test
    void onARunningEngineTokensAreMadeWithTheAdminTokenAndWorkAtOnce() throws Exception {
        try (EngineHarness harness = EngineHarness.start(EngineHarness.config(data, runbooks))) {
            String server = "http://127.0.0.1:" + harness.engine().port();
            String tokenFile = data.resolve("quench.token").toString();

            assertThat(QuenchMain.run("tokens", "create", "alertmanager", "--role", "sender", "--source", "alertmanager",
                    "--server", server, "--token-file", tokenFile)).isZero();

            String secret = stdout.text().strip();
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("token 'alertmanager' (sender, sources "
                    + "alertmanager): shown this once");
            assertThat(LoopbackHttp.send(harness.engine().port(), "127.0.0.1", "POST", "/hooks/alertmanager", secret,
                    "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\", \"labels\": "
                            + "{\"alertname\": \"X\"}}]}").status()).isEqualTo(202);
            assertThat(LoopbackHttp.send(harness.engine().port(), "127.0.0.1", "GET", "/api/v1/runs", secret, null)
                    .status()).isEqualTo(403);
            assertThat(LoopbackHttp.send(harness.engine().port(), "127.0.0.1", "POST", "/hooks/grafana", secret,
                    "{\"status\": \"firing\", \"alerts\": []}").status()).as("not bound to grafana").isEqualTo(403);
            stdout.reset();
            assertThat(QuenchMain.run("tokens", "list", "--server", server, "--token-file", tokenFile)).isZero();
            assertThat(stdout.text()).containsPattern("alertmanager +sender +- +active +never +alertmanager +admin");
            assertThat(QuenchMain.run("tokens", "create", "am2", "--role", "sender", "--source", "prometheus",
                    "--server", server, "--token-file", tokenFile)).isEqualTo(2);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("quench tokens create: invalid token request: "
                    + "unknown source 'prometheus': the sources are alertmanager, grafana, pagerduty (a generic source "
                    + "is the NAME of sources.NAME.mapping in quench.yaml, posted to /hooks/generic/NAME)");
            assertThat(QuenchMain.run("tokens", "create", "web", "--role", "viewer", "--team", "web-team",
                    "--server", server, "--token-file", tokenFile)).isEqualTo(2);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("unknown team 'web-team': no loaded runbook "
                    + "has owner: web-team; the teams are db-team");

            stdout.reset();
            assertThat(QuenchMain.run("audit", "--server", server, "--token-file", tokenFile, "--actor", "admin"))
                    .isZero();
            assertThat(stdout.text()).containsPattern("admin +admin +token.create +token alertmanager +ok +127.0.0.1 +201")
                    .containsPattern("admin +admin +token.create +token web +refused");
            assertThat(QuenchMain.run("tokens", "revoke", "alertmanager", "--server", server, "--token-file", tokenFile))
                    .isZero();
            assertThat(LoopbackHttp.send(harness.engine().port(), "127.0.0.1", "POST", "/hooks/alertmanager", secret,
                    "{\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\", \"labels\": "
                            + "{\"alertname\": \"X\"}}]}").status()).isEqualTo(401);
        }
    }
}
