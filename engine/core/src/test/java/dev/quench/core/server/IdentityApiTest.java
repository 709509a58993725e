package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The actor comes from the token, never from the body; four eyes with approval.separateApprover;
 * tokens made and revoked through the API; refusals of bad token requests; repeated 401s slowed down.
 */
class IdentityApiTest {

    @TempDir
    Path temp;

    private EngineHarness harness;
    private String alice;
    private String bob;
    private String lead;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("db-restart.yaml"), """
                name: db-restart
                owner: db-team
                approval: required
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks)
                .withSections(Map.of("approval", Json.json().readTree("{\"separateApprover\": true}"))));
        Store store = harness.engine().store();
        alice = store.tokens().create("alice", Role.OPERATOR, null, null, "test", Instant.now()).secret();
        bob = store.tokens().create("bob", Role.OPERATOR, "db-team", null, "test", Instant.now()).secret();
        lead = harness.engine().apiToken().value();
        awaitAccepted(alice);
        awaitAccepted(bob);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void anApprovalIsRecordedWithTheTokensNameWhateverTheBodySays() throws Exception {
        String run = startRun(lead);

        LoopbackHttp.Answer forged = send("POST", "/api/v1/runs/" + run + "/approve", alice,
                "{\"by\": \"the CISO\", \"reason\": \"looks fine\"}");
        assertThat(forged.status()).isEqualTo(422);
        assertThat(detail(forged)).isEqualTo("'by' is not accepted: the actor recorded is the name of the token that "
                + "sent the request ('alice'); leave 'by' out, and give each person or service a token of its own "
                + "(quench tokens create NAME --role ROLE)");
        LoopbackHttp.Answer forgedLine = send("POST", "/api/v1/runs/" + run + "/approve", alice,
                "{\"reason\": \"ok\\n2026-12-05 run x approved by ciso\"}");
        assertThat(forgedLine.status()).isEqualTo(422);
        assertThat(detail(forgedLine)).isEqualTo("'reason' has a control character (U+000A) at position 2; send one "
                + "line of plain text");
        assertThat(harness.run(run).status()).as("nothing was decided").isEqualTo(RunStatus.AWAITING_APPROVAL);

        LoopbackHttp.Answer approved = send("POST", "/api/v1/runs/" + run + "/approve", alice,
                "{\"reason\": \"looks fine\", \"actor\": \"the CISO\"}");

        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        JsonNode decisions = Json.json().readTree(send("GET", "/api/v1/runs/" + run + "/decisions", alice, null).body())
                .path("decisions");
        assertThat(decisions).singleElement().satisfies(decision -> {
            assertThat(decision.path("actor").asText()).isEqualTo("alice");
            assertThat(decision.path("reason").asText()).isEqualTo("looks fine");
        });
        assertThat(awaitAudit("alice", "run.approve")).extracting(AuditEntry::outcome)
                .containsExactly("ok", "refused", "refused");
    }

    @Test
    void withSeparateApproverNobodyApprovesARunTheyStartedThemselves() throws Exception {
        String run = startRun(bob);
        assertThat(harness.run(run).triggerDetail()).isEqualTo("by bob");

        LoopbackHttp.Answer own = send("POST", "/api/v1/runs/" + run + "/approve", bob, "{}");

        assertThat(own.status()).isEqualTo(403);
        assertThat(detail(own)).isEqualTo("run " + run + " was started by 'bob', and approval.separateApprover is on: "
                + "another operator must approve it");
        assertThat(awaitAudit("bob", "run.approve")).singleElement().extracting(AuditEntry::outcome).isEqualTo("forbidden");
        assertThat(send("POST", "/api/v1/runs/" + run + "/reject", bob, "{}").status())
                .as("rejecting one's own run is allowed").isEqualTo(200);
        String second = startRun(bob);
        assertThat(send("POST", "/api/v1/runs/" + second + "/approve", alice, "{}").status()).isEqualTo(200);
    }

    @Test
    void aTokenMadeThroughTheApiWorksAtOnceAndARevokedOneIsRefusedWithinASecondOrTwo() throws Exception {
        LoopbackHttp.Answer made = send("POST", "/api/v1/tokens", lead,
                "{\"name\": \"grafana-ci\", \"role\": \"viewer\", \"team\": \"db-team\", \"expires\": \"90d\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        JsonNode token = Json.json().readTree(made.body());
        String secret = token.path("token").asText();
        assertThat(token.path("expiresAt").asText()).startsWith(Instant.now().plus(Duration.ofDays(90)).toString()
                .substring(0, 10));
        assertThat(send("GET", "/api/v1/runs", secret, null).status()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/tokens", lead, null).body()).contains("grafana-ci").doesNotContain(secret);
        assertThat(send("GET", "/api/v1/nodes", secret, null).status())
                .as("the nodes list every team's running runs: a team token is refused").isEqualTo(403);
        assertThat(send("GET", "/api/v1/nodes", lead, null).status()).isEqualTo(200);

        // Revoked in the store, as another engine sharing it would: this engine refuses it within its refresh.
        harness.engine().store().tokens().revoke("grafana-ci", "lead", Instant.now());
        Instant revokedAt = Instant.now();
        while (send("GET", "/api/v1/runs", secret, null).status() != 401) {
            assertThat(Duration.between(revokedAt, Instant.now())).isLessThan(Duration.ofSeconds(3));
            Thread.sleep(50);
        }
        assertThat(send("DELETE", "/api/v1/tokens/alice", lead, null).status()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/runs", alice, null).status()).as("revoked through this engine: at once")
                .isEqualTo(401);
    }

    @Test
    void badTokenRequestsAre422NamingWhatIsWrong() throws Exception {
        assertThat(refusal("{\"name\": \"x\", \"role\": \"root\"}"))
                .isEqualTo("422 unknown role 'root': a role is sender, viewer, operator or admin");
        assertThat(refusal("{\"name\": \"x\", \"role\": \"viewer\", \"team\": \"payments\"}"))
                .isEqualTo("422 unknown team 'payments': no loaded runbook has owner: payments; the teams are db-team");
        assertThat(refusal("{\"name\": \"evil\\u001b[2J\", \"role\": \"viewer\"}"))
                .startsWith("422 invalid token name 'evil\\u001b[2J': a name has 1-64 letters");
        assertThat(refusal("{\"name\": \"x\", \"role\": \"viewer\", \"expires\": \"soon\"}")).startsWith("422 ");
        assertThat(refusal("{\"name\": \"alice\", \"role\": \"viewer\"}"))
                .startsWith("409 a token named 'alice' exists already (active)");
        LoopbackHttp.Answer unknown = send("DELETE", "/api/v1/tokens/nobody", lead, null);
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(detail(unknown)).isEqualTo("no token is named 'nobody'; GET /api/v1/tokens lists them");
        assertThat(send("POST", "/api/v1/tokens", alice, "{\"name\": \"mine\", \"role\": \"admin\"}").status())
                .as("an operator cannot make tokens").isEqualTo(403);
    }

    @Test
    void repeated401sFromOneAddressAreSlowedDownWhateverTheOfferedTokenAndCounted() throws Exception {
        String nearMiss = alice.substring(0, alice.length() - 1) + (alice.endsWith("0") ? "1" : "0");
        long[] millis = new long[AuthFailures.FREE_FAILURES + 4];
        for (int attempt = 0; attempt < millis.length; attempt++) {
            long started = System.nanoTime();
            LoopbackHttp.Answer answer = LoopbackHttp.send(harness.engine().port(), "127.0.0.77", "GET",
                    "/api/v1/runs", attempt % 2 == 0 ? nearMiss : "x", null);
            millis[attempt] = (System.nanoTime() - started) / 1_000_000;
            assertThat(answer.status()).isEqualTo(401);
        }

        int free = AuthFailures.FREE_FAILURES;
        assertThat(millis[free]).as("the first slowed answer, a near miss").isGreaterThanOrEqualTo(50);
        assertThat(millis[free + 1]).as("then garbage").isGreaterThanOrEqualTo(100);
        assertThat(millis[free + 2]).as("a near miss again").isGreaterThanOrEqualTo(200);
        assertThat(millis[free + 3]).isGreaterThanOrEqualTo(400);
        assertThat(LoopbackHttp.send(harness.engine().port(), "127.0.0.78", "GET", "/api/v1/runs", alice, null).status())
                .as("another address with a good token is not held up").isEqualTo(200);
        assertThat(awaitAudit(null, "auth.failed")).filteredOn(entry -> entry.sourceAddress().equals("127.0.0.77"))
                .extracting(AuditEntry::detail)
                .containsExactly("10 failed attempt(s) from 127.0.0.77 within 60 s",
                        "1 failed attempt(s) from 127.0.0.77 within 60 s");
    }

    private String refusal(String body) throws Exception {
        LoopbackHttp.Answer answer = send("POST", "/api/v1/tokens", lead, body);
        return answer.status() + " " + detail(answer);
    }

    private String startRun(String token) throws Exception {
        LoopbackHttp.Answer started = send("POST", "/api/v1/runs", token, "{\"runbook\": \"db-restart\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return Json.json().readTree(started.body()).path("id").asText();
    }

    private LoopbackHttp.Answer send(String method, String path, String token, String body) throws Exception {
        return LoopbackHttp.send(harness.engine().port(), "127.0.0.1", method, path, token, body);
    }

    private static String detail(LoopbackHttp.Answer answer) throws Exception {
        return Json.json().readTree(answer.body()).path("detail").asText();
    }

    private List<AuditEntry> awaitAudit(String actor, String action) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        List<AuditEntry> found = harness.engine().store().audit().list(actor, action, null, 100);
        while (found.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            found = harness.engine().store().audit().list(actor, action, null, 100);
        }
        // Appends are asynchronous: give the last of a burst a moment too.
        Thread.sleep(200);
        return harness.engine().store().audit().list(actor, action, null, 100);
    }

    private void awaitAccepted(String token) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (send("GET", "/api/v1/status", token, null).status() != 200) {
            assertThat(Instant.now()).as("the engine sees the new token").isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
