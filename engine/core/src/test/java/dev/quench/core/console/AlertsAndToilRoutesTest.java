package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilShares;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts and toil pages over plain HTTP (no browser): who may see them, refused filters, and hostile text
 * from alerts and runbook owners shown as text, never as markup.
 */
class AlertsAndToilRoutesTest {

    private static final String HOSTILE = "<script>alert(1)</script>\"'";

    @TempDir
    static Path temp;

    private static EngineHarness quench;
    private static ConsoleHttp http;
    private static String admin;

    @BeforeAll
    static void start() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        http = new ConsoleHttp(quench);
        ToilSeed.finishedRun(quench.engine().store(), "hostile", HOSTILE, RunStatus.SUCCEEDED, 30,
                Instant.now().minusSeconds(3600));
        ToilSeed.unmatchedAlerts(quench.engine().store(), HOSTILE, 3, Instant.now().minusSeconds(60));
        ToilSeed.alertAndRun(quench.engine().store(), "RedisDown", "redis-flush", "cache-team", RunStatus.SUCCEEDED,
                false, 15, Instant.now().minusSeconds(1800));
        ToilSeed.alertAndRun(quench.engine().store(), "RedisDown", "redis-flush", "cache-team", RunStatus.SUCCEEDED,
                true, 15, Instant.now().minusSeconds(1200));
        admin = session(quench.engine().apiToken().value());
    }

    @AfterAll
    static void stop() {
        quench.close();
    }

    @Test
    void alertTextAndTeamNamesAreShownAsTextNeverAsMarkup() throws Exception {
        HttpResponse<String> alerts = get("/alerts?matched=false", admin);
        HttpResponse<String> toil = get("/toil", admin);

        assertThat(alerts.statusCode()).isEqualTo(200);
        assertThat(alerts.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        assertThat(toil.statusCode()).isEqualTo(200);
        assertThat(toil.body()).contains("data-chart=\"{&#34;weeks&#34;:").doesNotContain("<script>alert(1)")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void coverageAndAutomateNextAreTheLedgersFigures() throws Exception {
        HttpResponse<String> toil = get("/toil", admin);
        ToilShares shares = quench.engine().ledger().shares(
                ToilLedger.weekStart(Instant.now()).minus(7L * (ToilViews.DEFAULT_WEEKS - 1), ChronoUnit.DAYS),
                Instant.now());

        assertThat(toil.statusCode()).isEqualTo(200);
        // 5 firing alerts: the three no runbook matched, the RedisDown whose run succeeded unapproved (handled
        // without a human) and the RedisDown whose run a person approved
        assertThat(shares.coverage().firing()).isEqualTo(5);
        assertThat(shares.coverage().handled()).isEqualTo(1);
        assertThat(toil.body()).contains("<dd id=\"toil-coverage\">20.0 %</dd>")
                .contains("<span id=\"toil-coverage-counts\">1 of 5</span>")
                .contains("firing alerts handled without a human");
        assertThat(shares.automateNext()).hasSize(1);
        ToilShares.AutomateNext next = shares.automateNext().get(0);
        assertThat(next.alertname()).isEqualTo(HOSTILE);
        assertThat(next.count()).isEqualTo(3);
        assertThat(toil.body()).containsPattern("<td class=\"num\">3</td>\\s*<td class=\"num\">"
                + java.util.regex.Pattern.quote(ToilPageView.hours(next.hoursPerMonth())) + "</td>");
    }

    @Test
    void aFilterThatCannotBeReadIsRefusedWithWhatToChange() throws Exception {
        HttpResponse<String> since = get("/alerts?since=yesterday", admin);
        HttpResponse<String> before = get("/alerts?before=abc", admin);
        HttpResponse<String> weeks = get("/toil?weeks=27", admin);

        assertThat(since.statusCode()).isEqualTo(400);
        assertThat(since.body()).contains("since must be a duration back from now (30m, 7d) or an RFC 3339 time")
                .contains("value=\"yesterday\"");
        assertThat(before.statusCode()).isEqualTo(400);
        assertThat(before.body()).contains("before must be an alert id (a number), was 'abc'");
        assertThat(weeks.statusCode()).isEqualTo(400);
        assertThat(weeks.body()).contains("weeks must be 1-26, was 27; showing the last 8 weeks of every team.");
    }

    @Test
    void aTeamScopedViewerSeesItsAlertsButNotTheEngineWideToilPage() throws Exception {
        String token = quench.engine().store().tokens().create("web-viewer", Role.VIEWER, "web-team", null, "test",
                Instant.now()).secret();
        // The engine re-reads the tokens every second (TokenDirectory.REFRESH).
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> signIn(token).statusCode() == 303);
        String viewer = session(token);

        HttpResponse<String> alerts = get("/alerts", viewer);
        HttpResponse<String> toil = get("/toil", viewer);

        assertThat(alerts.statusCode()).isEqualTo(200);
        assertThat(alerts.body()).contains("limited to team <strong>web-team</strong>").contains("No alerts match")
                .doesNotContain("&lt;script&gt;");
        assertThat(toil.statusCode()).isEqualTo(403);
        assertThat(toil.body()).contains("team");
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

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request);
    }
}
