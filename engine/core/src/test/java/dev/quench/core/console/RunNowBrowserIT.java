package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.store.RunRecord;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Run now from the runbook page in a real browser: per-field errors, the dry run's plan, then confirm. */
class RunNowBrowserIT {

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void wrongFieldsAreNamedThenTheDryRunShowsThePlanAndConfirmStartsTheRun() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());

            browser.open("/runbooks");
            browser.await(By.linkText("flush-cache")).click();
            browser.await(By.id("param-region"));
            type(browser, "param-shards", "two");
            browser.driver().findElement(By.id("dry-run")).click();

            browser.awaitText(By.id("param-shards-error"), "shards: expected a whole number, got 'two'");
            assertThat(browser.driver().findElement(By.id("param-region-error")).getText())
                    .isEqualTo("region: required: give text");
            assertThat(browser.driver().findElement(By.id("param-shards")).getDomProperty("value")).isEqualTo("two");
            browser.screenshot("RunNowBrowserIT-field-errors");

            type(browser, "param-region", "eu west");
            type(browser, "param-shards", "3");
            browser.driver().findElement(By.id("dry-run")).click();

            browser.awaitText(By.cssSelector(".plan-body"), "echo flush 'eu west' 3", ConsoleBrowser.PLAN_WAIT);
            assertThat(quench.engine().store().runs().list(null, null, 10)).as("a dry run records nothing").isEmpty();
            browser.screenshot("RunNowBrowserIT-plan");
            browser.driver().findElement(By.id("confirm-run")).click();

            WebElement link = browser.await(By.id("started-run"));
            String runId = link.getText();
            assertThat(browser.path()).isEqualTo("/runbooks/flush-cache/started/" + runId);
            browser.awaitText(By.id("status-" + runId), "succeeded");
            browser.screenshot("RunNowBrowserIT-started");
            List<RunRecord> runs = quench.engine().store().runs().list(null, null, 10);
            assertThat(runs).singleElement().satisfies(run -> {
                assertThat(run.id()).isEqualTo(runId);
                assertThat(run.triggerDetail()).isEqualTo("by admin");
                assertThat(run.params()).containsEntry("region", "eu west").containsEntry("shards", 3);
            });
            assertThat(quench.run(runId).steps().getFirst().stdout()).contains("flush eu west 3");
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    quench.engine().store().audit().list("admin", "run.start", null, 10)).singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.outcome()).isEqualTo("ok");
                        assertThat(entry.target()).isEqualTo("runbook flush-cache");
                    }));
        }
    }

    private static void type(ConsoleBrowser browser, String id, String text) {
        WebElement field = browser.driver().findElement(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    private EngineHarness startQuench() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("flush-cache.yaml"), """
                name: flush-cache
                owner: web-team
                description: Flush the cache of a region.
                params:
                  region: {type: string, required: true, description: the region to flush}
                  shards: {type: int, default: 2}
                  verbose: {type: bool, default: false}
                steps:
                  - {id: flush, uses: shell.exec, with: {command: 'echo flush ${{ params.region }} ${{ params.shards }}'}}
                """);
        return EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }
}
