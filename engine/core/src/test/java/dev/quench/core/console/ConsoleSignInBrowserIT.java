package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** Signing in to the console and out again, in a real browser. */
class ConsoleSignInBrowserIT {

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
    void signingInWithTheAdminTokenLandsOnRunsWithTheNameShown() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/");
            assertThat(browser.path()).startsWith("/login");

            browser.signIn(quench.engine().apiToken().value());

            assertThat(browser.path()).isEqualTo("/runs");
            browser.awaitText(By.id("signed-in-user"), "admin");
            assertThat(browser.driver().findElement(By.id("signed-in-role")).getText()).isEqualTo("admin");
            assertThat(browser.sessionCookie()).isPresent();
            browser.screenshot("ConsoleSignInBrowserIT-signed-in");
        }
    }

    @Test
    void aWrongTokenShowsAClearErrorAndMakesNoSession() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.submitToken("not-a-token-" + "0".repeat(20));

            browser.awaitText(By.id("login-error"), "That token was not accepted");
            assertThat(browser.driver().findElement(By.id("login-error")).getText())
                    .contains("unknown, revoked or expired");
            assertThat(browser.sessionCookie()).isEmpty();
            browser.screenshot("ConsoleSignInBrowserIT-wrong-token");

            browser.open("/runs");
            assertThat(browser.path()).startsWith("/login");
        }
    }

    @Test
    void afterSigningOutTheOldCookieNoLongerWorks() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            String oldCookie = browser.sessionCookie().orElseThrow();

            browser.await(By.id("sign-out")).click();
            browser.awaitText(By.id("login-notice"), "You have signed out");
            assertThat(browser.sessionCookie()).isEmpty();

            // A copy of the cookie kept from before (a stolen one, say) is refused: the session ended in the store.
            browser.driver().manage().addCookie(new Cookie(ConsoleSessions.COOKIE, oldCookie, "/"));
            browser.open("/runs");
            assertThat(browser.path()).startsWith("/login");
            browser.awaitText(By.id("login-notice"), "Your session has ended");
            browser.screenshot("ConsoleSignInBrowserIT-signed-out");
        }
    }

    @Test
    void theLayoutFitsAPhoneWithoutSidewaysScrolling() {
        try (ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
            browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
            browser.open("/login");
            browser.signIn(quench.engine().apiToken().value());
            for (String path : java.util.List.of("/runs", "/audit")) {
                browser.open(path);
                browser.await(By.id("sign-out"));
                Object overflow = ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
                assertThat(((Number) overflow).longValue()).as(path + " scrolls sideways by").isLessThanOrEqualTo(0);
                assertThat(browser.driver().findElement(By.id("sign-out")).isDisplayed()).isTrue();
            }
            browser.screenshot("ConsoleSignInBrowserIT-phone");
        }
    }
}
