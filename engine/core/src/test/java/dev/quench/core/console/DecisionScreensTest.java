package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvals, runbooks and schedules screens over HTTP, without a browser: what each role and team sees,
 * and that every refusal the buttons imply is made by the server too, with a clear page.
 */
class DecisionScreensTest {


    @TempDir
    static Path temp;

    private static EngineHarness quench;
    private static ConsoleHttp http;
    private static Path runbooks;

    @BeforeAll
    static void start() throws Exception {
        runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("restart-db.yaml"), """
                name: restart-db
                owner: db-team
                approval: {required: true}
                params:
                  target: {type: string, default: db-1}
                  retries: {type: int, default: 1}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: 'echo restart ${{ params.target }}'}}
                """);
        Files.writeString(runbooks.resolve("hourly.yaml"), """
                name: hourly-report
                owner: web-team
                triggers:
                  schedule: {cron: "0 0 * * * ?", timezone: UTC}
                steps:
                  - {id: report, uses: shell.exec, with: {command: 'echo report'}}
                """);
        Files.writeString(runbooks.resolve("nightly.yaml"), """
                name: nightly-vacuum
                triggers:
                  schedule: {cron: "0 30 3 * * ?", timezone: UTC, enabled: false}
                steps:
                  - {id: vacuum, uses: shell.exec, with: {command: 'echo vacuum'}}
                """);
        Files.writeString(runbooks.resolve("broken.yaml"), """
                name: broken
                steps:
                  - {id: x, uses: no.such.step}
                """);
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        http = new ConsoleHttp(quench);
    }

    @AfterAll
    static void stop() {
        quench.close();
    }

    @Test
    void rejectingWithoutAReasonIsRefusedWith422AndTheRunKeepsWaiting() throws Exception {
        RunRecord run = waitingRun();
        String admin = session(quench.engine().apiToken().value());

        HttpResponse<String> answer = post("/approvals/" + run.id() + "/reject", admin, "reason", "  ");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(answer.body()).contains("A reason is needed to reject").contains("nothing was decided");
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);

        HttpResponse<String> rejected = post("/approvals/" + run.id() + "/reject", admin, "reason", "not tonight");

        assertThat(rejected.statusCode()).isEqualTo(303);
        assertThat(rejected.headers().firstValue("Location")).hasValue("/approvals?decided=" + run.id());
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.REJECTED);
        assertThat(get("/approvals?decided=" + run.id(), admin).body()).contains("Rejected by admin (not tonight)");
        assertThat(post("/approvals/" + run.id() + "/approve", admin, "reason", "").statusCode())
                .as("decided already: a conflict, not a second decision").isEqualTo(409);
    }

    @Test
    void anOperatorOfAnotherTeamSeesNoneOfItsRunsAndIsRefusedWhenForging() throws Exception {
        RunRecord run = waitingRun();
        String web = session(token("wes", Role.OPERATOR, "web-team"));

        assertThat(get("/approvals", web).body()).doesNotContain(run.id()).contains("No run is waiting for approval");
        HttpResponse<String> forged = post("/approvals/" + run.id() + "/approve", web, "reason", "");

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("token 'wes' is limited to team 'web-team'");
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        assertThat(get("/approvals/" + run.id() + "/plan", web).statusCode()).isEqualTo(404);
    }

    @Test
    void thePlanOfAWaitingRunIsAFragmentForHtmxAndAPageOtherwise() throws Exception {
        RunRecord run = waitingRun();
        String admin = session(quench.engine().apiToken().value());

        HttpResponse<String> fragment = send(HttpRequest.newBuilder(quench.uri("/approvals/" + run.id() + "/plan"))
                .header("Cookie", "quench_session=" + admin).header("HX-Request", "true").GET());
        HttpResponse<String> page = get("/approvals/" + run.id() + "/plan", admin);

        assertThat(fragment.statusCode()).isEqualTo(200);
        assertThat(fragment.body()).startsWith("<div class=\"plan-body\">").contains("echo restart 'db 9'");
        assertThat(page.body()).contains("<!DOCTYPE html>").contains("Plan of run");
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
    }

    @Test
    void theRunbooksListShowsLoadProblemsAndTheRunNowFormRefusesBadParamsWithoutStartingAnything() throws Exception {
        String admin = session(quench.engine().apiToken().value());
        long runsBefore = quench.engine().store().runs().list(null, null, 1000).size();

        String list = get("/runbooks", admin).body();
        HttpResponse<String> bad = post("/runbooks/restart-db/run", admin, "param.retries", "lots");

        assertThat(list).contains(runbooks.resolve("broken.yaml") + ":3:19: unknown step type").contains("hourly-report");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("retries: expected a whole number, got 'lots'");
        assertThat(quench.engine().store().runs().list(null, null, 1000)).hasSize((int) runsBefore);
        assertThat(get("/runbooks/no-such", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void changingTheParamsAfterADryRunKeepsWhatWasTyped() throws Exception {
        String admin = session(quench.engine().apiToken().value());
        HttpResponse<String> plan = post("/runbooks/restart-db/plan", admin, "param.target", "db 7", "param.retries", "3");
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        assertThat(plan.body()).contains("echo restart 'db 7'",
                "formaction=\"/runbooks/restart-db/params\"", "name=\"param.target\" value=\"db 7\"");

        HttpResponse<String> back = post("/runbooks/restart-db/params", admin, "param.target", "db 7", "param.retries", "3");

        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(back.body()).contains("id=\"dry-run\"").containsPattern("name=\"param.target\" value=\"db 7\"")
                .containsPattern("name=\"param.retries\" value=\"3\"");
        assertThat(post("/runbooks/restart-db/params", session(token("vera", Role.VIEWER, null)), "param.target", "x")
                .statusCode()).as("a viewer has no form to go back to").isEqualTo(403);
    }

    @Test
    void theAuditScreenFollowsTheApisRuleAViewerWithoutATeamReadsItAndATeamTokenIsRefused() throws Exception {
        String viewerToken = token("audrey", Role.VIEWER, null);
        String teamToken = token("terry", Role.OPERATOR, "web-team");
        String viewer = session(viewerToken);
        String team = session(teamToken);

        HttpResponse<String> page = get("/audit", viewer);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<a href=\"/audit\"", "<h1>Audit</h1>", "id=\"audit-filter\"");
        assertThat(apiStatus("/api/v1/audit", viewerToken)).as("the API agrees").isEqualTo(200);
        assertThat(get("/audit", team).statusCode()).isEqualTo(403);
        assertThat(get("/runs", team).body()).doesNotContain("<a href=\"/audit\"");
        assertThat(apiStatus("/api/v1/audit", teamToken)).as("the API agrees").isEqualTo(403);
    }

    private static int apiStatus(String path, String token) throws Exception {
        return send(HttpRequest.newBuilder(quench.uri(path)).header("Authorization", "Bearer " + token).GET())
                .statusCode();
    }

    @Test
    void aViewerGetsNoRunNowFormAndTheServerRefusesItsDryRun() throws Exception {
        String viewer = session(token("vic", Role.VIEWER, null));

        assertThat(get("/runbooks/restart-db", viewer).body()).doesNotContain("id=\"dry-run\"")
                .contains("No run-now form");
        assertThat(post("/runbooks/restart-db/plan", viewer, "param.target", "x").statusCode()).isEqualTo(403);
    }

    @Test
    void schedulesShowNextFiresAndInactiveOnesAndNeedATokenOfEveryTeam() throws Exception {
        String admin = session(quench.engine().apiToken().value());
        String team = session(token("tess", Role.VIEWER, "web-team"));

        String page = get("/schedules", admin).body();

        assertThat(page).contains("hourly-report", "nightly-vacuum", "1 active, 1 inactive",
                "set triggers.schedule.enabled: true in");
        assertThat(page).containsPattern(":00:00Z</time>");
        assertThat(get("/schedules", team).statusCode()).isEqualTo(403);
    }

    private static RunRecord waitingRun() {
        RunRecord run = quench.engine().dispatcher().startManual(
                quench.engine().runbooks().find("restart-db").orElseThrow(), Map.of("target", "db 9"), null, false,
                "alice");
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        return run;
    }

    /** A new token; waits until the token directory knows it (it refreshes about once a second). */
    private static String token(String name, Role role, String team) throws Exception {
        String secret = quench.engine().store().tokens().create(name, role, team, null, "test", Instant.now()).secret();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signIn(secret).statusCode() == 303);
        return secret;
    }

    private static HttpResponse<String> signIn(String token) throws Exception {
        return http.signIn(token, "/runs");
    }

    private static String session(String token) throws Exception {
        return http.session(token);
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return http.get(path, session);
    }

    private static HttpResponse<String> post(String path, String session, String... fields) throws Exception {
        return http.post(path, session, fields);
    }

    private static String origin() {
        return http.origin();
    }

    private static HttpRequest.BodyPublisher form(String... pairs) {
        return ConsoleHttp.form(pairs);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request);
    }
}
