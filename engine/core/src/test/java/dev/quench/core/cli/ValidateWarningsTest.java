package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.CapturedStdout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code quench validate} warnings: printed as FILE:LINE:COL: warning: ..., without changing the exit code. */
class ValidateWarningsTest {

    @TempDir
    Path temp;

    @RegisterExtension
    final CapturedStdout stdout = new CapturedStdout();

    @Test
    void anAlertValueAsAnOptionPositionIsAWarningThatKeepsExitCodeZero() throws Exception {
        Path file = Files.writeString(temp.resolve("sorted.yaml"), """
                name: sorted
                steps:
                  - id: sorted
                    uses: shell.exec
                    with:
                      command: sort ${{ alert.labels.file }} && sort -- ${{ alert.labels.file }}
                """);

        int exit = QuenchMain.run("validate", file.toString());

        assertThat(exit).as(stdout.text()).isZero();
        assertThat(stdout.text()).isEqualTo(file + ":6:21: warning: ${{ alert.labels.file }} is an argument of 'sort' "
                + "with no -- before it: an alert value starting with - (like -oevil.txt) would be read as an option, "
                + "which quoting cannot prevent; write -- before it if the command takes it "
                + "(sort -- ${{ alert.labels.file }})\n1 runbook(s) valid\n");
    }

    @Test
    void aParamARunMaySetInTheHostOfAUrlIsAWarningThatSiteTrueSilences() throws Exception {
        String runbook = """
                name: warm
                params:
                  adminUrl: {default: "http://cache-admin.internal:8080"%s}
                  cache: {default: catalog}
                steps:
                  - id: warm
                    uses: http.request
                    with: {method: POST, url: "${{ params.adminUrl }}/caches/${{ params.cache }}/warm"}
                """;
        Path settable = Files.writeString(temp.resolve("settable.yaml"), runbook.formatted(""));
        Path site = Files.writeString(Files.createDirectories(temp.resolve("site")).resolve("warm.yaml"),
                runbook.formatted(", site: true"));

        assertThat(QuenchMain.run("validate", settable.toString())).as(stdout.text()).isZero();
        assertThat(stdout.text()).isEqualTo(settable + ":8:32: warning: params.adminUrl decides the scheme, host or "
                + "port of this URL, and a run request (API, console, quench run --param) may set it, so whoever may "
                + "start a run could send this request (and its credentials) anywhere: mark the param site: true, so "
                + "that only its default or the site's quench.yaml sets it\n1 runbook(s) valid\n");

        stdout.reset();
        assertThat(QuenchMain.run("validate", site.toString())).isZero();
        assertThat(stdout.text()).isEqualTo("1 runbook(s) valid\n");
    }
}
