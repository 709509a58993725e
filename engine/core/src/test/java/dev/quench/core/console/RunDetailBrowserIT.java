package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.store.RunStatus;
import dev.quench.core.testing.EngineHarness;
import dev.quench.core.util.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The run detail in a real browser: output arriving line by line while the run runs, and Cancel. */
class RunDetailBrowserIT {

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void aRunningRunsOutputArrivesLineByLineBeforeTheRunEnds() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            String id = start(quench, "ticker", "{\"from\": \"web-7\"}");
            browser.open("/runs/" + id);

            browser.awaitText(By.id("live-output"), "line-2");
            String early = browser.driver().findElement(By.id("live-output")).getText();
            RunStatus whileShown = quench.engine().store().runs().find(id).orElseThrow().status();
            browser.awaitText(By.id("live-output"), "line-3");
            browser.screenshot("RunDetailBrowserIT-live");

            assertThat(whileShown).as("the run had not finished when line-2 was on the page").isEqualTo(RunStatus.RUNNING);
            assertThat(early).contains("line-1").doesNotContain("line-6");
            awaitStatus(browser, "succeeded");
            String output = browser.driver().findElement(By.id("live-output")).getText();
            assertThat(output).containsSubsequence("line-1", "line-2", "line-3", "line-4", "line-5", "line-6");
            assertThat(output.split("line-1", -1)).as("each line once").hasSize(2);
            assertThat(browser.driver().findElements(By.cssSelector("figure.timeline rect"))).hasSize(2);
            new WebDriverWait(browser.driver(), Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                    .until(driver -> driver.findElement(By.id("step-1")).getText().contains("exit 0"));
            // Tall enough for the steps and the live output: this one is docs/images/console-run-detail.png.
            browser.driver().manage().window().setSize(new Dimension(1280, 1100));
            browser.screenshot("RunDetailBrowserIT-run-detail");
        }
    }

    @Test
    void aStreamCutAndRefusedOnceResumesWhereItStoppedWithoutRepeatingLines() throws Exception {
        try (EngineHarness quench = startQuench();
             CuttingProxy proxy = CuttingProxy.to(quench.uri("/"));
             ConsoleBrowser browser = ConsoleBrowser.start(proxy.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            String id = start(quench, "ticker", "{\"from\": \"web-9\"}");
            browser.open("/runs/" + id);
            browser.awaitText(By.id("live-output"), "line-2");

            // A blip, then the browser's reconnect is refused (a proxy while the node restarts): htmx opens a new stream.
            proxy.refuse(true);
            proxy.cut();
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> proxy.refused() > 0);
            proxy.refuse(false);

            awaitStatus(browser, "succeeded");
            browser.awaitText(By.id("live-output"), "line-6");
            String output = browser.driver().findElement(By.id("live-output")).getText();
            assertThat(output).containsSubsequence("line-1", "line-2", "line-3", "line-4", "line-5", "line-6");
            for (String line : new String[] {"line-1", "line-2", "line-3", "line-6"}) {
                assertThat(output.split(line + " ", -1)).as("%s once in %s", line, output).hasSize(2);
            }
        }
    }

    @Test
    void anOperatorCancelsARunningRunFromItsPage() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            String id = start(quench, "stuck", "{}");
            browser.open("/runs/" + id);
            browser.awaitText(By.id("live-output"), "waiting for a lock");

            // The steps part is reloaded when the step starts: act once it shows the step, again if it was swapped meanwhile.
            new WebDriverWait(browser.driver(), Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
                    .until(driver -> {
                        driver.findElement(By.id("step-1"));
                        driver.findElement(By.id("cancel-reason")).sendKeys("stuck on a lock");
                        driver.findElement(By.id("cancel-run")).click();
                        return true;
                    });

            awaitStatus(browser, "cancelled");
            assertThat(browser.path()).isEqualTo("/runs/" + id);
            assertThat(quench.engine().store().runs().find(id).orElseThrow().status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(browser.driver().findElements(By.id("cancel-run"))).as("no button on a finished run").isEmpty();
            browser.screenshot("RunDetailBrowserIT-cancelled");
        }
    }

    /** The status badge is swapped in whenever a step or the run ends: a badge read mid-swap is read again. */
    private static void awaitStatus(ConsoleBrowser browser, String status) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(driver -> driver.findElement(By.id("run-status")).getText().equals(status));
    }

    private static String start(EngineHarness quench, String runbook, String params) throws Exception {
        HttpResponse<String> answer = quench.post("/api/v1/runs", ("{\"runbook\": \"" + runbook + "\", \"params\": "
                + params + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode run = Json.json().readTree(answer.body());
        return run.path("id").asText();
    }

    private EngineHarness startQuench() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.writeString(runbooks.resolve("ticker.yaml"), """
                name: ticker
                owner: web-team
                description: Prints a line a second, then checks.
                params:
                  from: {default: web-1}
                steps:
                  - id: count
                    uses: shell.exec
                    with:
                      command: "for i in 1 2 3 4 5 6; do echo line-$i from ${{ params.from }}; sleep 1; done"
                  - id: check
                    uses: shell.exec
                    with:
                      command: "echo all six lines printed"
                """);
        Files.writeString(runbooks.resolve("stuck.yaml"), """
                name: stuck
                owner: web-team
                steps:
                  - id: wait
                    uses: shell.exec
                    with:
                      command: "echo waiting for a lock; sleep 120"
                    timeout: 5m
                """);
        EngineHarness quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
        assertThat(quench.engine().runbooks().problems()).isEmpty();
        return quench;
    }
}
