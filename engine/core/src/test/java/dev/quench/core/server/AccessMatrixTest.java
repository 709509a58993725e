package dev.quench.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.IssuedToken;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.testing.LoopbackHttp;
import dev.quench.core.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint × every kind of caller: the status each gets, and what the audit trail says about it.
 * The callers are a sender (bound to the source alertmanager), a viewer, an operator, an admin, an operator limited to another team
 * than the runbook's, an expired and a revoked token. Each row runs against fresh state (a new run
 * awaiting approval, a new token to revoke), so its outcome depends on the caller only.
 */
class AccessMatrixTest {

    /** How a route treats a team-scoped token. */
    enum Scope {
        /** It passes and sees only its team's part. */
        FILTERED,
        /** The route's object belongs to storage-team: another team's token is refused. */
        OWNED,
        /** The route spans every team: a scoped token is refused. */
        ALL_TEAMS
    }

    /**
     * One endpoint.
     *
     * @param minimum the least role that may call it
     * @param ok      its status when allowed
     * @param action  the audit action of a change, null for a read
     */
    record Endpoint(String method, String path, String body, Role minimum, Scope scope, int ok, String action) {
    }

    /** One caller; {@code role} null for a token that must be refused with 401. */
    record Caller(String name, Role role, boolean scopedToOtherTeam) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("POST", "/hooks/alertmanager", """
                    {"version": "4", "status": "firing", "alerts": [{"status": "firing",
                      "labels": {"alertname": "NothingMatches", "instance": "x:1"}, "fingerprint": "fp-%s"}]}""",
                    Role.SENDER, Scope.FILTERED, 202, null),
            new Endpoint("POST", "/hooks/grafana", """
                    {"receiver": "quench", "status": "firing", "orgId": 1, "alerts": [{"status": "firing",
                      "labels": {"alertname": "NothingMatches"}, "fingerprint": "gf-%s"}]}""",
                    Role.SENDER, Scope.FILTERED, 202, null),
            new Endpoint("GET", "/api/v1/runs", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/runs/{run}", null, Role.VIEWER, Scope.OWNED, 200, null),
            new Endpoint("GET", "/api/v1/runs/{run}/decisions", null, Role.VIEWER, Scope.OWNED, 200, null),
            new Endpoint("GET", "/api/v1/runbooks", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/schedules", null, Role.VIEWER, Scope.ALL_TEAMS, 200, null),
            new Endpoint("GET", "/api/v1/toil", null, Role.VIEWER, Scope.ALL_TEAMS, 200, null),
            new Endpoint("GET", "/api/v1/alerts", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/toil/share", null, Role.VIEWER, Scope.ALL_TEAMS, 200, null),
            new Endpoint("GET", "/api/v1/incidents", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/status", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/ingest", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/audit", null, Role.VIEWER, Scope.ALL_TEAMS, 200, null),
            new Endpoint("POST", "/api/v1/runs", "{\"runbook\": \"storage-clean\"}", Role.OPERATOR, Scope.OWNED, 202,
                    "run.start"),
            new Endpoint("POST", "/api/v1/runs/{run}/approve", "{\"reason\": \"checked\"}", Role.OPERATOR, Scope.OWNED,
                    200, "run.approve"),
            new Endpoint("POST", "/api/v1/runs/{run}/reject", "{}", Role.OPERATOR, Scope.OWNED, 200, "run.reject"),
            new Endpoint("POST", "/api/v1/runs/{run}/cancel", "{}", Role.OPERATOR, Scope.OWNED, 200, "run.cancel"),
            new Endpoint("GET", "/api/v1/breakers", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("GET", "/api/v1/runbooks/storage-clean/breaker", null, Role.VIEWER, Scope.OWNED, 200, null),
            new Endpoint("POST", "/api/v1/runbooks/storage-clean/breaker/reset", "{\"reason\": \"fixed\"}",
                    Role.OPERATOR, Scope.OWNED, 200, "breaker.reset"),
            new Endpoint("GET", "/api/v1/locks", null, Role.VIEWER, Scope.FILTERED, 200, null),
            new Endpoint("POST", "/api/v1/pause", "{\"reason\": \"test\"}", Role.OPERATOR, Scope.ALL_TEAMS, 200, "pause"),
            new Endpoint("POST", "/api/v1/resume", "{}", Role.OPERATOR, Scope.ALL_TEAMS, 200, "resume"),
            new Endpoint("GET", "/api/v1/tokens", null, Role.ADMIN, Scope.ALL_TEAMS, 200, null),
            new Endpoint("POST", "/api/v1/tokens", "{\"name\": \"made-%s\", \"role\": \"viewer\"}", Role.ADMIN,
                    Scope.ALL_TEAMS, 201, "token.create"),
            new Endpoint("DELETE", "/api/v1/tokens/{token}", null, Role.ADMIN, Scope.ALL_TEAMS, 200, "token.revoke"));

    private static final List<Caller> CALLERS = List.of(
            new Caller("am-sender", Role.SENDER, false),
            new Caller("dashboard", Role.VIEWER, false),
            new Caller("oncall", Role.OPERATOR, false),
            new Caller("lead", Role.ADMIN, false),
            new Caller("web-oncall", Role.OPERATOR, true),
            new Caller("old-ci", null, false),
            new Caller("leaver", null, false));

    /** The one webhook source the sender caller is bound to. */
    private static final String SENDER_SOURCE = "alertmanager";

    @TempDir
    static Path temp;

    private static EngineHarness harness;
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** 401s come from their own loopback address each, so the slow-down of repeated 401s stays out of this test. */
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("storage-clean.yaml"), """
                name: storage-clean
                owner: storage-team
                approval: required
                guards: {breaker: {failures: 3, within: 1h}}
                steps:
                  - {id: clean, uses: shell.exec, with: {command: "echo clean"}}
                """);
        Files.writeString(runbooks.resolve("web-restart.yaml"), """
                name: web-restart
                owner: web-team
                steps:
                  - {id: restart, uses: shell.exec, with: {command: "echo restart"}}
                """);
        harness = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        assertThat(harness.engine().runbooks().problems()).isEmpty();
        Store store = harness.engine().store();
        Instant now = Instant.now();
        for (Caller caller : CALLERS) {
            Role role = caller.role() == null ? Role.OPERATOR : caller.role();
            Instant expires = caller.name().equals("old-ci") ? now.minusSeconds(60) : null;
            IssuedToken issued = store.tokens().create(caller.name(), role, caller.scopedToOtherTeam() ? "web-team" : null,
                    role == Role.SENDER ? List.of(SENDER_SOURCE) : List.of(), expires, "test", now);
            SECRETS.put(caller.name(), issued.secret());
        }
        store.tokens().revoke("leaver", "test", now);
        awaitTokenRefresh("lead");
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void everyEndpointAnswersEachCallerAsItsRoleAndTeamAllowAndTheAuditTrailSaysSo() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Caller caller : CALLERS) {
                int expected = expected(endpoint, caller);
                String from = caller.role() == null ? "127.0.0." + NEXT_ADDRESS.getAndIncrement() : "127.0.0.1";
                String path = prepare(endpoint.path());
                String body = endpoint.body() == null ? null : endpoint.body().formatted(SEQUENCE.incrementAndGet());
                Instant before = Instant.now().minusMillis(5);
                LoopbackHttp.Answer answer = LoopbackHttp.send(harness.engine().port(), from, endpoint.method(), path,
                        SECRETS.get(caller.name()), body);
                String row = endpoint.method() + " " + endpoint.path() + " as " + caller.name();
                if (answer.status() != expected) {
                    mismatches.add(row + ": expected " + expected + ", got " + answer.status() + " " + answer.body());
                    continue;
                }
                if (expected == 403) {
                    String detail = Json.json().readTree(answer.body()).path("detail").asText();
                    if (!detail.contains("needs role") && !detail.contains("team") && !detail.contains("bound to")) {
                        mismatches.add(row + ": a 403 must name the role, team or source needed, said: " + detail);
                    }
                }
                auditMismatch(endpoint, caller, expected, from, before).ifPresent(problem -> mismatches.add(row + ": " + problem));
                if (endpoint.path().equals("/api/v1/pause") && expected == 200) {
                    assertThat(send("POST", "/api/v1/resume", "lead", "{}").status()).isEqualTo(200);
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static int expected(Endpoint endpoint, Caller caller) {
        if (caller.role() == null) {
            return 401;
        }
        if (!caller.role().atLeast(endpoint.minimum())
                || (caller.role() == Role.SENDER && endpoint.path().startsWith("/api/"))
                || (caller.role() == Role.SENDER && !endpoint.path().equals("/hooks/" + SENDER_SOURCE))) {
            return 403;
        }
        if (caller.scopedToOtherTeam() && endpoint.scope() != Scope.FILTERED) {
            return 403;
        }
        return endpoint.ok();
    }

    /** What is wrong with the audit trail after the row, if anything. */
    private static Optional<String> auditMismatch(Endpoint endpoint, Caller caller, int status, String from,
                                                  Instant before) throws InterruptedException {
        Store store = harness.engine().store();
        if (status == 401) {
            List<AuditEntry> failed = await(() -> store.audit().list(null, "auth.failed", before, 100).stream()
                    .filter(entry -> entry.sourceAddress().equals(from)).toList());
            return failed.isEmpty() ? Optional.of("no auth.failed entry from " + from) : Optional.empty();
        }
        if (status == 403 && endpoint.path().startsWith("/hooks/")) {
            List<AuditEntry> entries = await(() -> store.audit().list(caller.name(), null, before, 10));
            return entries.stream().anyMatch(entry -> entry.outcome().equals("forbidden")
                    && entry.action().equals("POST " + endpoint.path()) && entry.role().equals("sender")
                    && entry.sourceAddress().equals(from) && entry.detail().startsWith("403 "))
                    ? Optional.empty() : Optional.of("no forbidden entry for the sender's post: " + entries);
        }
        boolean change = !endpoint.method().equals("GET") && endpoint.path().startsWith("/api/");
        if (!change) {
            return Optional.empty();
        }
        String action = endpoint.action();
        if (caller.role() == Role.SENDER) {
            // Refused before the route could name its action: the entry names the method and path.
            List<AuditEntry> entries = await(() -> store.audit().list(caller.name(), null, before, 10));
            return entries.stream().anyMatch(entry -> entry.outcome().equals("forbidden")
                    && entry.action().startsWith(endpoint.method() + " /api/v1/") && entry.role().equals("sender"))
                    ? Optional.empty() : Optional.of("no forbidden entry for the sender: " + entries);
        }
        String outcome = status == 403 ? "forbidden" : "ok";
        List<AuditEntry> entries = await(() -> store.audit().list(caller.name(), action, before, 10));
        return entries.stream().anyMatch(entry -> entry.outcome().equals(outcome) && entry.sourceAddress().equals(from)
                && entry.role().equals(caller.role().wireName()) && !entry.target().isEmpty()
                && entry.detail().startsWith(Integer.toString(status)))
                ? Optional.empty() : Optional.of("expected an audit entry " + action + " " + outcome + ", found " + entries);
    }

    /** Fills in {run} (a fresh storage-team run awaiting approval) and {token} (a fresh token to revoke). */
    private static String prepare(String path) throws Exception {
        if (path.contains("{run}")) {
            LoopbackHttp.Answer started = send("POST", "/api/v1/runs", "lead", "{\"runbook\": \"storage-clean\"}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            JsonNode run = Json.json().readTree(started.body());
            assertThat(run.path("status").asText()).isEqualTo("awaiting_approval");
            return path.replace("{run}", run.path("id").asText());
        }
        if (path.contains("{token}")) {
            String name = "victim-" + SEQUENCE.incrementAndGet();
            harness.engine().store().tokens().create(name, Role.VIEWER, null, null, "test", Instant.now());
            return path.replace("{token}", name);
        }
        return path;
    }

    private static LoopbackHttp.Answer send(String method, String path, String caller, String body) throws Exception {
        return LoopbackHttp.send(harness.engine().port(), "127.0.0.1", method, path, SECRETS.get(caller), body);
    }

    private static <T> List<T> await(java.util.function.Supplier<List<T>> query) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        List<T> found = query.get();
        while (found.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
            found = query.get();
        }
        return found;
    }

    /** Tokens made in the store directly are seen by the engine at its next refresh (about a second). */
    private static void awaitTokenRefresh(String caller) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (send("GET", "/api/v1/status", caller, null).status() != 200) {
            assertThat(Instant.now()).as("the engine sees the new tokens").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aSenderPostingToASourceItIsNotBoundToIsToldWhichSourcesItIsBoundTo() throws Exception {
        LoopbackHttp.Answer answer = send("POST", "/hooks/pagerduty", "am-sender", "{\"messages\": []}");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(Json.json().readTree(answer.body()).path("detail").asText()).isEqualTo("token 'am-sender' is a "
                + "sender bound to alertmanager; posting to source pagerduty needs a sender token bound to pagerduty "
                + "(quench tokens create NAME --role sender --source pagerduty)");
    }

    @Test
    void aScopedViewerSeesOnlyItsTeamsRunsAndRunbooks() throws Exception {
        assertThat(send("POST", "/api/v1/runs", "lead", "{\"runbook\": \"web-restart\"}").status()).isEqualTo(202);
        assertThat(send("POST", "/api/v1/runs", "lead", "{\"runbook\": \"storage-clean\"}").status()).isEqualTo(202);

        JsonNode runs = Json.json().readTree(send("GET", "/api/v1/runs", "web-oncall", null).body()).path("runs");
        JsonNode runbooks = Json.json().readTree(send("GET", "/api/v1/runbooks", "web-oncall", null).body()).path("runbooks");

        assertThat(runs).isNotEmpty().allSatisfy(run -> assertThat(run.path("owner").asText()).isEqualTo("web-team"));
        assertThat(runbooks).singleElement().satisfies(runbook ->
                assertThat(runbook.path("name").asText()).isEqualTo("web-restart"));
        JsonNode all = Json.json().readTree(send("GET", "/api/v1/runs", "dashboard", null).body()).path("runs");
        assertThat(all).extracting(run -> run.path("owner").asText()).contains("web-team", "storage-team");
    }
}
