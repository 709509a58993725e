package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;

/** The approvals inbox in a real browser: approve a waiting run and watch it start; a viewer cannot approve. */
class ApprovalsBrowserIT {

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void anOperatorReadsThePlanApprovesAndSeesTheRunStartAndSucceed() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            RunRecord waiting = waitingRun(quench);
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());

            browser.open("/approvals");
            browser.await(By.id("run-" + waiting.id()));
            browser.awaitText(By.cssSelector("#run-" + waiting.id() + " .plan-body"), "echo restarted 'db 7'",
                    ConsoleBrowser.PLAN_WAIT);
            browser.driver().findElement(By.id("approve-reason-" + waiting.id())).sendKeys("db-7 is drained");
            browser.screenshot("ApprovalsBrowserIT-inbox");
            browser.driver().findElement(By.id("approve-" + waiting.id())).click();

            browser.await(By.id("decided"));
            assertThat(browser.path()).isEqualTo("/approvals?decided=" + waiting.id());
            String first = browser.await(By.id("status-" + waiting.id())).getText();
            assertThat(first).as("the run takes 3 s: it has not finished when the page shows it").isIn("queued", "running");
            browser.awaitText(By.id("status-" + waiting.id()), "succeeded");
            assertThat(browser.driver().findElement(By.id("decided")).getText())
                    .contains("Approved by admin (db-7 is drained)");
            assertThat(browser.driver().findElements(By.id("run-" + waiting.id()))).as("no longer in the inbox").isEmpty();
            browser.screenshot("ApprovalsBrowserIT-approved");
            assertThat(quench.run(waiting.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> audit(quench, "admin").stream()
                    .anyMatch(entry -> entry.outcome().equals("ok")));
        }
    }

    @Test
    void aViewerSeesNoApproveButtonAndAForgedApproveIsRefusedAndAudited() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            RunRecord waiting = waitingRun(quench);
            String viewer = quench.engine().store().tokens().create("vera", Role.VIEWER, null, null, "test",
                    Instant.now()).secret();
            browser.open("/login");
            // The token directory refreshes its cache about once a second; one sign-in can take seconds on a loaded machine.
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                browser.signIn(viewer);
                assertThat(browser.path()).doesNotStartWith("/login");
            });

            browser.open("/approvals");
            browser.await(By.id("run-" + waiting.id()));
            assertThat(browser.driver().findElements(By.id("approve-" + waiting.id()))).isEmpty();
            assertThat(browser.driver().findElements(By.id("reject-" + waiting.id()))).isEmpty();
            assertThat(browser.driver().findElement(By.cssSelector("#run-" + waiting.id() + " .why-not")).getText())
                    .isEqualTo("No Approve or Reject button: token 'vera' has role viewer; to approve a run needs role "
                            + "operator (or a higher role)");
            browser.screenshot("ApprovalsBrowserIT-viewer");
            browser.driver().manage().window().setSize(new Dimension(375, 812));
            browser.awaitText(By.cssSelector("#run-" + waiting.id() + " .plan-body"), "echo restarted 'db 7'",
                    ConsoleBrowser.PLAN_WAIT);
            browser.screenshot("ApprovalsBrowserIT-viewer-phone");
            Object wider = ((JavascriptExecutor) browser.driver()).executeScript("""
                    var width = document.documentElement.clientWidth, found = [];
                    document.querySelectorAll('main *').forEach(function (element) {
                      var box = element.getBoundingClientRect();
                      if (box.right > width + 0.5) { found.push(element.tagName + '.' + element.className + ' ' + box.right); }
                    });
                    return found.join(', ');""");
            assertThat(String.valueOf(wider)).as("elements of the inbox wider than a 375 px phone").isEmpty();

            // The viewer forges the approve the page does not offer: a valid session and a valid CSRF token.
            String csrf = browser.driver().findElement(By.cssSelector("meta[name=csrf-token]")).getDomAttribute("content");
            URI base = quench.uri("/");
            HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            quench.uri("/approvals/" + waiting.id() + "/approve"))
                    .header("Cookie", ConsoleSessions.COOKIE + "=" + browser.sessionCookie().orElseThrow())
                    .header("Origin", base.getScheme() + "://" + base.getAuthority())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)
                            + "&reason=forged"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("token 'vera' has role viewer; POST /approvals/" + waiting.id()
                    + "/approve needs role operator (or a higher role)");
            assertThat(quench.run(waiting.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(quench, "vera"))
                    .singleElement().satisfies(entry -> {
                        assertThat(entry.outcome()).isEqualTo("forbidden");
                        assertThat(entry.target()).isEqualTo("run " + waiting.id());
                    }));
            assertThat(quench.engine().dispatcher().runControl().decisions(waiting.id())).isEmpty();
        }
    }

    private static List<AuditEntry> audit(EngineHarness quench, String actor) {
        return quench.engine().store().audit().list(actor, "run.approve", null, 10);
    }

    private static RunRecord waitingRun(EngineHarness quench) {
        RunRecord run = quench.engine().dispatcher().startManual(
                quench.engine().runbooks().find("restart-db").orElseThrow(), Map.of("target", "db 7"), null, false,
                "alice");
        assertThat(quench.run(run.id()).status()).isEqualTo(RunStatus.AWAITING_APPROVAL);
        return run;
    }

    private EngineHarness startQuench() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("restart-db.yaml"), """
                name: restart-db
                owner: db-team
                approval: {required: true}
                params:
                  target: {type: string, default: db-1}
                steps:
                  - {id: restart, uses: shell.exec, with: {command: 'sleep 3; echo restarted ${{ params.target }}'}}
                """);
        return EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }
}
