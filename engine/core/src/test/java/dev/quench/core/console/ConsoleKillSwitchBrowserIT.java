package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Role;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The kill switch from the console in a real browser: an operator pauses, every page shows the banner, and
 * resumes; a forged request without the CSRF token, and a viewer's request with a valid one, change nothing.
 */
class ConsoleKillSwitchBrowserIT {

    /** A POST from the page's own script, as a forger with a foothold on the origin would send it. */
    private static final String POST = """
            const done = arguments[arguments.length - 1];
            const body = new URLSearchParams(arguments[1]);
            fetch(arguments[0], {method: 'POST', body: body, redirect: 'manual'})
                .then(answer => done(answer.status), error => done('failed: ' + error));
            """;

    @TempDir
    static Path temp;

    private static EngineHarness quench;

    @BeforeAll
    static void startQuench() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }

    @AfterAll
    static void stopQuench() {
        if (quench != null) {
            quench.close();
        }
    }

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void anOperatorPausesSeesTheBannerOnAnotherPageAndResumes() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            assertThat(browser.driver().findElements(By.id("kill-switch-banner"))).isEmpty();

            browser.await(By.cssSelector(".kill-switch-control summary")).click();
            browser.await(By.id("pause-reason")).sendKeys("database failover");
            browser.driver().findElement(By.id("pause")).click();

            browser.awaitText(By.id("kill-switch-banner"), "database failover");
            assertThat(browser.path()).isEqualTo("/runs");
            assertThat(quench.engine().dispatcher().killSwitch().paused()).isTrue();
            browser.open("/audit");
            browser.awaitText(By.id("kill-switch-banner"), "paused by admin");
            browser.screenshot("ConsoleKillSwitchBrowserIT-paused");

            browser.await(By.id("resume-reason")).sendKeys("failover done");
            browser.driver().findElement(By.id("resume")).click();
            browser.await(By.cssSelector(".kill-switch-control summary"));
            assertThat(browser.path()).isEqualTo("/audit");
            assertThat(browser.driver().findElements(By.id("kill-switch-banner"))).isEmpty();
            assertThat(quench.engine().dispatcher().killSwitch().paused()).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    quench.engine().store().audit().list("admin", null, Instant.EPOCH, 100))
                    .extracting(AuditEntry::action).contains("pause", "resume"));
        }
    }

    @Test
    void anotherOperatorsPauseShowsOnAnOpenPageAndTheRunsRowsFollowTheirRunsThroughOnePoll() throws Exception {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            browser.open("/runs");
            assertThat(browser.driver().findElements(By.id("kill-switch-banner"))).isEmpty();

            // Someone else pauses (the CLI, the API, another console): this page shows it without a reload.
            quench.engine().dispatcher().killSwitch().set(true, "other-operator", "storage maintenance");
            browser.awaitText(By.id("kill-switch-banner"), "storage maintenance");
            // A run started now waits in the queue; its row is one of those the page's single poll follows.
            java.net.http.HttpResponse<String> started = quench.post("/api/v1/runs",
                    "{\"runbook\": \"echo-disk\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = dev.quench.core.util.Json.json().readTree(started.body()).path("id").asText();
            browser.open("/runs");
            browser.awaitText(By.id("run-" + id), "queued");
            assertThat(browser.driver().findElements(By.cssSelector("[hx-trigger='every 2s']"))).hasSize(1);
            browser.screenshot("ConsoleKillSwitchBrowserIT-paused-elsewhere");

            quench.engine().dispatcher().killSwitch().set(false, "other-operator", "maintenance done");
            new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), ConsoleBrowser.WAIT)
                    .until(driver -> driver.findElements(By.id("kill-switch-banner")).isEmpty());
            new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), ConsoleBrowser.WAIT)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(driver -> driver.findElement(By.cssSelector("#run-" + id + " .status")).getText()
                            .matches("succeeded|failed"));
            assertThat(browser.driver().findElements(By.cssSelector("[hx-trigger='every 2s']")))
                    .as("the poll stops once every row has finished").isEmpty();
        } finally {
            quench.engine().dispatcher().killSwitch().set(false, "test", "test over");
        }
    }

    @Test
    void aForgedPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());

            Object status = ((JavascriptExecutor) browser.driver()).executeAsyncScript(POST, "/kill-switch/pause",
                    "reason=forged");

            assertThat(status).isEqualTo(403L);
            assertThat(quench.engine().dispatcher().killSwitch().paused()).as("nothing changed").isFalse();
            browser.open("/runs");
            assertThat(browser.driver().findElements(By.id("kill-switch-banner"))).isEmpty();
        }
    }

    @Test
    void aViewerSeesNoPauseButtonAndItsPostIsRefusedEvenWithAValidCsrfToken() {
        String viewer = quench.engine().store().tokens().create("kill-switch-viewer", Role.VIEWER, null, null, "test",
                Instant.now()).secret();
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            // The engine re-reads the tokens every second: retry the sign-in until the new token is known.
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
                browser.submitToken(viewer);
                return browser.path().equals("/runs");
            });
            browser.awaitText(By.id("signed-in-role"), "viewer");
            assertThat(browser.driver().findElements(By.cssSelector(".kill-switch-control"))).isEmpty();
            assertThat(browser.driver().findElements(By.id("pause"))).isEmpty();
            String csrf = browser.driver().findElement(By.cssSelector("meta[name=csrf-token]")).getDomAttribute("content");

            Object status = ((JavascriptExecutor) browser.driver()).executeAsyncScript(POST, "/kill-switch/pause",
                    "reason=viewer&_csrf=" + csrf);

            assertThat(status).isEqualTo(403L);
            assertThat(quench.engine().dispatcher().killSwitch().paused()).as("nothing changed").isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    quench.engine().store().audit().list("kill-switch-viewer", "pause", Instant.EPOCH, 10))
                    .extracting(AuditEntry::outcome).containsExactly("forbidden"));
            browser.screenshot("ConsoleKillSwitchBrowserIT-viewer");
        }
    }

}
