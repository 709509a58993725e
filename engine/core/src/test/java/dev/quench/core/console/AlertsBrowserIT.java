package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.Role;
import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The alerts screen in a real browser: matched and unmatched alerts, the runs they started, a team's view. */
class AlertsBrowserIT {

    private static final String UNMATCHED = """
            {"version": "4", "status": "firing", "receiver": "quench", "groupKey": "{}:{alertname=\\"CertExpiring\\"}",
             "alerts": [{"status": "firing", "labels": {"alertname": "CertExpiring", "instance": "lb-1:443"},
                         "annotations": {}, "startsAt": "2026-11-20T02:58:14Z", "fingerprint": "cert-lb-1"}]}""";

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void theFilterSeparatesMatchedFromUnmatchedAlertsAndLinksEachToItsRuns() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        try (EngineHarness quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            assertThat(quench.post("/hooks/alertmanager",
                    EngineHarness.resource("fixtures/alerts/alertmanager-firing-diskspacelow.json")).statusCode())
                    .isEqualTo(202);
            List<RunRecord> runs = quench.awaitRuns(Duration.ofSeconds(30));
            assertThat(quench.post("/hooks/alertmanager", UNMATCHED.getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(202);
            quench.awaitIngested(Duration.ofSeconds(30));
            String otherTeam = quench.engine().store().tokens().create("web-viewer", Role.VIEWER, "web-team", null,
                    "test", Instant.now()).secret();

            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            browser.open("/alerts");
            browser.await(By.id("alerts-table"));
            assertThat(handlings(browser)).containsExactlyInAnyOrder("unmatched", "matched", "matched");

            new Select(browser.driver().findElement(By.id("filter-matched"))).selectByValue("false");
            browser.driver().findElement(By.id("filter-apply")).click();
            new WebDriverWait(browser.driver(), ConsoleBrowser.WAIT).until(driver -> browser.path().contains("matched=false"));
            browser.await(By.id("alerts-table"));
            assertThat(handlings(browser)).containsExactly("unmatched");
            assertThat(browser.driver().findElement(By.id("alerts-table")).getText()).contains("CertExpiring")
                    .doesNotContain("DiskSpaceLow");
            assertThat(new Select(browser.driver().findElement(By.id("filter-matched"))).getFirstSelectedOption()
                    .getAttribute("value")).as("the form keeps the filter").isEqualTo("false");

            new Select(browser.driver().findElement(By.id("filter-matched"))).selectByValue("true");
            browser.driver().findElement(By.id("filter-apply")).click();
            new WebDriverWait(browser.driver(), ConsoleBrowser.WAIT).until(driver -> browser.path().contains("matched=true"));
            browser.await(By.id("alerts-table"));
            assertThat(handlings(browser)).containsExactly("matched", "matched");
            List<String> links = browser.driver().findElements(By.cssSelector("#alerts-table .runs-of-alert a")).stream()
                    .map(link -> link.getAttribute("href").replaceFirst("^https?://[^/]+", "")).toList();
            assertThat(links).containsExactlyInAnyOrderElementsOf(runs.stream().map(run -> "/runs/" + run.id()).toList());
            browser.screenshot("AlertsBrowserIT-matched");

            browser.open("/alerts?since=yesterday");
            browser.awaitText(By.id("alerts-error"), "since must be a duration");
            assertThat(browser.driver().findElement(By.id("filter-since")).getAttribute("value")).isEqualTo("yesterday");

            browser.driver().manage().deleteAllCookies();
            browser.open("/login");
            browser.signIn(otherTeam);
            browser.open("/alerts");
            browser.awaitText(By.id("alerts-empty"), "No alerts match");
            assertThat(browser.driver().findElement(By.tagName("main")).getText()).contains("limited to team web-team")
                    .doesNotContain("CertExpiring").doesNotContain("DiskSpaceLow");
        }
    }

    private static List<String> handlings(ConsoleBrowser browser) {
        return browser.driver().findElements(By.cssSelector("#alerts-table tr.alert-row")).stream()
                .map((WebElement row) -> row.getAttribute("data-handling")).toList();
    }
}
