package dev.quench.core.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for the console's {@code *BrowserIT}s: Debian's {@code /usr/bin/chromium} driven through
 * {@code /usr/bin/chromedriver}, both named explicitly so that Selenium Manager never downloads anything.
 * Headless, a fresh profile per browser, 1280x900. Waits are explicit ({@link #await}); there are no sleeps.
 * Under {@code CI=true} a missing chromium or chromedriver fails the test, otherwise it is skipped.
 * Not thread-safe: one test, one browser.
 */
public final class ConsoleBrowser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go, relative to engine/core (where failsafe runs). */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    public static final Duration WAIT = Duration.ofSeconds(15);

    private final URI base;
    private final ChromeDriver driver;
    private final Path profile;

    private ConsoleBrowser(URI base, ChromeDriver driver, Path profile) {
        this.base = base;
        this.driver = driver;
        this.profile = profile;
    }

    /** Call first (in {@code @BeforeEach}): fails under CI=true, skips elsewhere, when the browser is missing. */
    public static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.assertTrue(present, "CI must install chromium and chromium-driver (.ci/run does): "
                    + CHROMIUM + " and " + CHROMEDRIVER + " are needed by the console's browser tests");
        }
        Assumptions.assumeTrue(present, "install Debian's chromium and chromium-driver to run the console's "
                + "browser tests");
    }

    /** Starts a browser for the console at {@code base} (e.g. {@code http://127.0.0.1:PORT}). */
    public static ConsoleBrowser start(URI base) {
        Path profile;
        try {
            profile = Files.createTempDirectory("quench-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a browser profile directory", e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        return new ConsoleBrowser(base, new ChromeDriver(service, options), profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code path} of the console. */
    public void open(String path) {
        driver.get(base.resolve(path).toString());
    }

    /** The path (and query) of the page shown now. */
    public String path() {
        URI current = URI.create(driver.getCurrentUrl());
        return current.getRawPath() + (current.getRawQuery() == null ? "" : "?" + current.getRawQuery());
    }

    /** Signs in on {@code /login} with {@code token} and waits until the browser has left the sign-in page. */
    public void signIn(String token) {
        submitToken(token);
        new WebDriverWait(driver, WAIT).until(browser -> !path().startsWith("/login"));
    }

    /** Types {@code token} into the sign-in form and submits it (whatever the outcome). */
    public void submitToken(String token) {
        if (!path().startsWith("/login")) {
            open("/login");
        }
        WebElement field = await(By.id("token"));
        field.clear();
        field.sendKeys(token);
        driver.findElement(By.id("sign-in")).click();
    }

    /** Waits until an element is visible and returns it. */
    public WebElement await(By locator) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the element's text contains {@code text}. */
    public void awaitText(By locator, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    /** The session cookie the browser holds, if any. */
    public Optional<String> sessionCookie() {
        return Optional.ofNullable(driver.manage().getCookieNamed(ConsoleSessions.COOKIE)).map(Cookie::getValue);
    }

    /** Saves a screenshot as {@code target/console-screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // A profile left in /tmp costs disk only; the test's outcome does not depend on it.
        }
    }
}
