package dev.quench.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.EngineHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** Signing in to the console in a real browser. */
class ConsoleSignInBrowserIT {

    @TempDir
    Path temp;

    @BeforeEach
    void requireChromium() {
        ConsoleBrowser.requireChromium();
    }

    @Test
    void signingInWithTheAdminTokenLandsOnRunsWithTheNameShown() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
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
    void aWrongTokenShowsAClearErrorAndMakesNoSession() throws Exception {
        try (EngineHarness quench = startQuench();
             ConsoleBrowser browser = ConsoleBrowser.start(quench.uri("/"))) {
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

    private EngineHarness startQuench() throws Exception {
        Path runbooks = Files.createDirectories(temp.resolve("runbooks"));
        Files.write(runbooks.resolve("echo-disk.yaml"), EngineHarness.resource("fixtures/runbooks/echo-disk.yaml"));
        return EngineHarness.start(EngineHarness.config(temp.resolve("data"), runbooks));
    }
}
