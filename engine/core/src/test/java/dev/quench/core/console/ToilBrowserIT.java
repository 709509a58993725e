package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilShares;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The toil screen in a real browser: the chart draws the seeded weeks, and its table says what the ledger says. */
class ToilBrowserIT {

    /** What the chart's script must have painted: this many pixels at least in the first team's colour. */
    private static final int MIN_SERIES_PIXELS = 20;

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void theChartRendersTheSeededWeeksAndTheTableMatchesTheLedger() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        try (EngineHarness quench = EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            Store store = quench.engine().store();
            Instant now = Instant.now();
            // team -> week start -> minutes saved, as seeded
            Map<String, Map<Instant, Long>> expected = new TreeMap<>();
            // alert-triggered runs: handled without a human unless approved (or failed)
            seed(store, expected, "DiskFull", false, "disk-clean", "storage-team", 90, now.minus(1, ChronoUnit.HOURS));
            seed(store, expected, "DiskFull", true, "disk-clean", "storage-team", 60, now.minus(8, ChronoUnit.DAYS));
            seed(store, expected, null, false, "disk-clean", "storage-team", 45, now.minus(15, ChronoUnit.DAYS));
            seed(store, expected, null, false, "log-rotate", "storage-team", 30, now.minus(22, ChronoUnit.DAYS));
            seed(store, expected, "RedisDown", false, "redis-flush", "cache-team", 30, now.minus(9, ChronoUnit.DAYS));
            seed(store, expected, null, false, "redis-flush", "cache-team", 120, now.minus(2, ChronoUnit.HOURS));
            ToilSeed.alertAndRun(store, "RedisDown", "redis-flush", "cache-team", RunStatus.FAILED, false, 0,
                    now.minus(3, ChronoUnit.DAYS));
            ToilSeed.unmatchedAlerts(store, "CertExpiring", 4, now.minus(1, ChronoUnit.DAYS));
            ToilSeed.unmatchedAlerts(store, "FanSpeed", 1, now.minus(1, ChronoUnit.DAYS));

            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            browser.open("/toil");
            browser.await(By.cssSelector("#toil-chart canvas"));
            new WebDriverWait(browser.driver(), ConsoleBrowser.WAIT)
                    .until(driver -> "true".equals(driver.findElement(By.id("toil-chart")).getAttribute("data-chart-drawn")));

            long seriesPixels = (Long) ((JavascriptExecutor) browser.driver()).executeScript("""
                    var canvas = document.querySelector('#toil-chart canvas');
                    var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                    var count = 0;
                    for (var index = 0; index < pixels.length; index += 4) {
                      // the first team's colour, #0072B2, give or take anti-aliasing
                      if (Math.abs(pixels[index] - 0) < 40 && Math.abs(pixels[index + 1] - 114) < 40
                          && Math.abs(pixels[index + 2] - 178) < 40 && pixels[index + 3] > 200) { count++; }
                    }
                    return count;""");
            assertThat(seriesPixels).as("pixels painted in the first team's colour").isGreaterThan(MIN_SERIES_PIXELS);

            Instant since = ToilLedger.weekStart(now).minus(7L * (ToilViews.DEFAULT_WEEKS - 1), ChronoUnit.DAYS);
            for (WebElement row : browser.driver().findElements(By.cssSelector("#toil-table tbody tr"))) {
                String week = row.getAttribute("data-week");
                for (String team : expected.keySet()) {
                    long minutes = expected.get(team).entrySet().stream()
                            .filter(entry -> ToilViews.isoWeek(entry.getKey()).equals(week))
                            .mapToLong(Map.Entry::getValue).sum();
                    String cell = row.findElement(By.cssSelector("td[data-team='" + team + "']")).getText();
                    assertThat(cell).as(team + " in " + week).isEqualTo(hours(minutes));
                }
            }
            assertThat(browser.driver().findElements(By.cssSelector("#toil-table tbody tr"))).hasSize(ToilViews.DEFAULT_WEEKS);
            double ledgerTotal = quench.engine().ledger().report(since, ToilGrouping.TEAM).totalHoursSaved();
            assertThat(browser.driver().findElement(By.id("toil-total")).getText()).isEqualTo(
                    String.format(Locale.ROOT, "%.1f h", ledgerTotal));
            assertThat(ledgerTotal).isEqualTo(6.3); // 375 minutes seeded
            // 9 firing alerts: DiskFull ×2, RedisDown ×2, CertExpiring ×4, FanSpeed; handled without a human: the
            // DiskFull and RedisDown whose runs succeeded unapproved (not the approved one, the failed one, nor the
            // five no runbook matched)
            assertThat(browser.driver().findElement(By.id("toil-coverage")).getText()).isEqualTo("22.2 %");
            assertThat(browser.driver().findElement(By.id("toil-coverage-counts")).getText()).isEqualTo("2 of 9");
            ToilShares shares = quench.engine().ledger().shares(since, Instant.now());
            assertThat(shares.coverage().percent()).isEqualTo(22.2);
            assertThat(shares.automateNext()).extracting(ToilShares.AutomateNext::alertname).containsExactly("CertExpiring");
            List<WebElement> next = browser.driver().findElements(By.cssSelector("#automate-next tbody tr"));
            assertThat(next).hasSize(1);
            assertThat(next.get(0).getAttribute("data-alertname")).isEqualTo("CertExpiring");
            assertThat(next.get(0).findElements(By.tagName("td"))).extracting(WebElement::getText).containsExactly(
                    "CertExpiring", "4", String.format(Locale.ROOT, "%.1f", shares.automateNext().get(0).hoursPerMonth()),
                    "alerts");
            browser.screenshot("ToilBrowserIT-toil");

            // A phone: the page fits 375 px (tables scroll inside their box) and the chart is redrawn to fit.
            browser.driver().manage().window().setSize(new Dimension(375, 812));
            JavascriptExecutor script = (JavascriptExecutor) browser.driver();
            new WebDriverWait(browser.driver(), ConsoleBrowser.WAIT).until(driver ->
                    (Long) script.executeScript("return window.innerWidth;") <= 375
                    && (Long) script.executeScript("return document.querySelector('#toil-chart canvas').clientWidth;")
                    <= 375);
            assertThat((Long) script.executeScript("return document.documentElement.scrollWidth - window.innerWidth;"))
                    .as("horizontal overflow at 375 px").isLessThanOrEqualTo(0L);
            browser.screenshot("ToilBrowserIT-phone");
        }
    }

    /** A succeeded run saving {@code minutes}, triggered by a firing {@code alertname} unless that is null. */
    private static void seed(Store store, Map<String, Map<Instant, Long>> expected, String alertname, boolean approved,
                             String runbook, String team, int minutes, Instant finishedAt) {
        if (alertname == null) {
            ToilSeed.finishedRun(store, runbook, team, RunStatus.SUCCEEDED, minutes, finishedAt);
        } else {
            ToilSeed.alertAndRun(store, alertname, runbook, team, RunStatus.SUCCEEDED, approved, minutes, finishedAt);
        }
        expected.computeIfAbsent(team, ignored -> new TreeMap<>()).merge(ToilLedger.weekStart(finishedAt), (long) minutes,
                Long::sum);
    }

    private static String hours(long minutes) {
        return String.format(Locale.ROOT, "%.1f", Math.round(minutes / 6.0) / 10.0);
    }
}
