package dev.quench.core.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
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
 * Headless, 1280x900. Waits are explicit ({@link #await}); there are no sleeps.
 * Under {@code CI=true} a missing chromium or chromedriver fails the test, otherwise it is skipped.
 *
 * <p>One chromium per test JVM, not per test: starting one costs seconds. {@link #close()} hands it back
 * as a new one would be (no cookies, nor cache, 1280x900, a blank page, one window) for the next
 * {@link #start}; one that cannot be reset is quit, and the next start makes a new one. The last one is
 * quit, and its profile deleted, when the JVM exits. Not thread-safe: one test, one browser at a time.
 */
public final class ConsoleBrowser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where screenshots go, relative to engine/core (where failsafe runs). */
    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    public static final Duration WAIT = Duration.ofSeconds(15);
    /** How long a test waits for a plan: the first dry run of a JVM migrates a scratch store. */
    public static final Duration PLAN_WAIT = Duration.ofSeconds(60);

    /** The browser handed back by the last {@link #close()}, waiting for the next {@link #start}. */
    private static Idle idle;
    private static boolean exitHookAdded;

    private final URI base;
    private final ChromeDriver driver;
    private final Path profile;

    private ConsoleBrowser(URI base, ChromeDriver driver, Path profile) {
        this.base = base;
        this.driver = driver;
        this.profile = profile;
    }

    /** A started chromium and its profile directory. */
    private record Idle(ChromeDriver driver, Path profile) {
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

    /** A browser for the console at {@code base} (e.g. {@code http://127.0.0.1:PORT}): the JVM's, or a new one. */
    public static ConsoleBrowser start(URI base) {
        synchronized (ConsoleBrowser.class) {
            if (idle != null) {
                Idle reused = idle;
                idle = null;
                return new ConsoleBrowser(base, reused.driver(), reused.profile());
            }
        }
        return launch(base);
    }

    private static ConsoleBrowser launch(URI base) {
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
        awaitText(locator, text, WAIT);
    }

    /**
     * Waits up to {@code within} until the element's text contains {@code text}: for what the server computes
     * on demand, like a plan (a dry run in a fresh scratch store), which a loaded machine can take long over.
     */
    public void awaitText(By locator, String text, Duration within) {
        new WebDriverWait(driver, within).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
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

    /** Hands the browser back for the next test, reset; quits it when it cannot be reset. */
    @Override
    public void close() {
        try {
            reset();
        } catch (RuntimeException ignored) {
            // A browser left in a state it cannot leave (a dialog open, chromium gone) is not the test's
            // outcome: it is quit, and the next start launches a new one.
            quit(driver, profile);
            return;
        }
        synchronized (ConsoleBrowser.class) {
            if (idle == null) {
                idle = new Idle(driver, profile);
                if (!exitHookAdded) {
                    exitHookAdded = true;
                    Runtime.getRuntime().addShutdownHook(new Thread(ConsoleBrowser::quitIdle, "quit-chromium"));
                }
                return;
            }
        }
        quit(driver, profile);
    }

    /**
     * What a new browser would be: one window on a blank page, 1280x900, no cookies (the console's
     * engines all live on 127.0.0.1, whose cookies chromium keeps whatever the port) and no cached pages.
     */
    private void reset() {
        String first = driver.getWindowHandles().iterator().next();
        for (String window : driver.getWindowHandles()) {
            if (!window.equals(first)) {
                driver.switchTo().window(window).close();
            }
        }
        driver.switchTo().window(first);
        driver.get("about:blank");
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        driver.manage().window().setSize(new Dimension(1280, 900));
        Object cookies = driver.executeCdpCommand("Network.getAllCookies", Map.of()).get("cookies");
        if (!(cookies instanceof List<?> left) || !left.isEmpty()) {
            throw new IllegalStateException("chromium kept cookies after Network.clearBrowserCookies: " + cookies);
        }
    }

    private static void quitIdle() {
        Idle last;
        synchronized (ConsoleBrowser.class) {
            last = idle;
            idle = null;
        }
        if (last != null) {
            quit(last.driver(), last.profile());
        }
    }

    private static void quit(ChromeDriver driver, Path profile) {
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
