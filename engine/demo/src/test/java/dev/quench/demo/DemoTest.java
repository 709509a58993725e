package dev.quench.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.cli.QuenchMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code quench demo} works on this machine with the shipped runbooks and says so. */
class DemoTest {

    @Test
    void theDemoRemediatesTheAlertAndExitsZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = new Demo(Path.of("../../runbooks"), new PrintStream(out, true, StandardCharsets.UTF_8)).run();

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed)
                .contains("202 {\"received\":1,\"new\":0,\"duplicates\":1}")
                .contains("command: find ")
                .contains("5 of 5 old rotated logs deleted on web-7")
                .containsPattern("HighLatency\\s+3\\s+90\\s+<- automate next")
                .contains("demo OK")
                .containsPattern("Console: http://127\\.0\\.0\\.1:\\d+/ - sign in with the demo's admin token [0-9a-f]{48}")
                .contains("quench demo --serve");
    }

    @Test
    void theQuenchCommandFindsTheDemoOnTheClassPath() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int help;
        int demoHelp;
        try {
            help = QuenchMain.run("--help");
            demoHelp = QuenchMain.run("demo", "--help");
        } finally {
            System.setOut(original);
        }

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(help).as(printed).isZero();
        assertThat(demoHelp).as(printed).isZero();
        assertThat(printed)
                .containsPattern("(?m)^\\s+demo\\s+Show the whole loop on this machine")
                .contains("Usage: quench demo");
    }

    @Test
    void withServeTheConsoleStaysUpAfterTheDemoUntilStopped() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream printer = new PrintStream(out, true, StandardCharsets.UTF_8);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread demo = Thread.ofPlatform().name("demo-serve").start(() -> {
            try {
                outcome.set(new Demo(Path.of("../../runbooks"), printer, true).run());
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        java.util.regex.Pattern serving = java.util.regex.Pattern.compile(
                "the run is on (http://127\\.0\\.0\\.1:\\d+)/runs \\(token [0-9a-f]{48}\\)\\. Serving until Ctrl-C");
        java.util.regex.Matcher address = serving.matcher("");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(180);
        while (!(address = serving.matcher(out.toString(StandardCharsets.UTF_8))).find()) {
            assertThat(java.time.Instant.now()).as("the demo did not say it serves within 180 s: "
                    + out.toString(StandardCharsets.UTF_8)).isBefore(deadline);
            assertThat(demo.isAlive()).as("the demo ended: " + out.toString(StandardCharsets.UTF_8)).isTrue();
            Thread.sleep(200);
        }

        java.net.http.HttpResponse<String> console = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(address.group(1) + "/runs")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(console.statusCode()).as("the console answers after the demo: to the sign-in page").isEqualTo(303);
        assertThat(console.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).startsWith("/login"));

        demo.interrupt();
        demo.join(java.time.Duration.ofSeconds(60));
        assertThat(demo.isAlive()).as("the demo stops when asked").isFalse();
        assertThat(outcome.get()).as("stopped while serving").isInstanceOf(InterruptedException.class);
    }
}
