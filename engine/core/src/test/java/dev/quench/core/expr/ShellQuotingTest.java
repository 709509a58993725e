package dev.quench.core.expr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's renderer quotes through {@link dev.quench.api.ShellQuote}; these run the result in a real shell. */
class ShellQuotingTest {

    private static final String INJECTION = "x'; touch pwned; echo '";

    /** The promise of the design: a hostile label reaches the command as one literal argument. */
    @Test
    void aHostileLabelStaysOneLiteralArgumentInARealShell(@TempDir Path directory) throws Exception {
        Alert alert = new Alert("test", "fp", AlertStatus.FIRING, Map.of("x", INJECTION), Map.of(), null, null, "");
        ExpressionScope scope = ExpressionScope.of(alert, Map.of(), Map.of(), Map.of(), Map.of());
        String command = (String) Template.compile("printf '%s\\n' ${{ alert.labels.x }} ${{ alert.labels.missing }}")
                .render(scope, RenderMode.SHELL);

        String output = runShell(directory, command);

        assertThat(directory.resolve("pwned")).doesNotExist();
        assertThat(output).isEqualTo(INJECTION + "\n\n");
    }

    @Test
    void everyKindOfNastyValueSurvivesARealShellUnchanged(@TempDir Path directory) throws Exception {
        for (String value : new String[] {"", " ", "a b", "'", "''", "\"", "\\", "$HOME", "`id`", "$(id)", "*", "~",
                "a\nb", "!event", "#comment", ";", "&&", "|", "-n", "ünïcödé", "{a,b}"}) {
            Alert alert = new Alert("test", "fp", AlertStatus.FIRING, Map.of("x", value), Map.of(), null, null, "");
            ExpressionScope scope = ExpressionScope.of(alert, Map.of(), Map.of(), Map.of(), Map.of());
            String command = (String) Template.compile("printf '%s|' ${{ alert.labels.x }}").render(scope, RenderMode.SHELL);

            assertThat(runShell(directory, command)).as("value %s as %s", value, command).isEqualTo(value + "|");
        }
    }

    private static String runShell(Path directory, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).directory(directory.toFile())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
