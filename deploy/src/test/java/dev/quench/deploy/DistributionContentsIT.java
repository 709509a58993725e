package dev.quench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The files the READMEs tell a user to use are in the distribution the build assembled. */
class DistributionContentsIT {

    private static final Path DISTRIBUTION = Path.of("target/quench");

    private static List<String> matches(Path file, Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(Files.readString(file));
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    @Test
    void theSampleAlertsTheReadmesCurlAreShipped() throws IOException {
        List<String> fromRepositoryReadme = matches(Path.of("../README.md"),
                Pattern.compile("--data @deploy/target/quench/(\\S+)"));
        List<String> fromDistributionReadme = matches(Path.of("README.md"), Pattern.compile("--data @(\\S+)"));

        assertThat(fromRepositoryReadme).isNotEmpty();
        assertThat(fromDistributionReadme).isNotEmpty();
        for (String path : fromRepositoryReadme) {
            assertThat(DISTRIBUTION.resolve(path)).as("README.md's curl sends %s", path).isRegularFile();
        }
        for (String path : fromDistributionReadme) {
            assertThat(DISTRIBUTION.resolve(path)).as("deploy/README.md's curl sends %s", path).isRegularFile();
        }
    }

    @Test
    void theShippedScheduledRunbooksAreSwitchedOff() throws IOException {
        for (String runbook : List.of("nightly-log-prune.yaml", "nightly-backup-verify.yaml")) {
            assertThat(Files.readString(DISTRIBUTION.resolve("runbooks").resolve(runbook))).as(runbook)
                    .contains("enabled: false");
        }
    }

    @Test
    void theDemoShipsWithItsSshServerBesideTheEngine() throws IOException {
        List<String> jars;
        try (var files = Files.list(DISTRIBUTION.resolve("lib"))) {
            jars = files.map(file -> file.getFileName().toString()).sorted().toList();
        }

        // engine/core no longer carries the test kit: `quench demo` (engine/demo) brings it and MINA SSHD.
        assertThat(jars).anyMatch(jar -> jar.startsWith("quench-engine-core-"))
                .anyMatch(jar -> jar.startsWith("quench-demo-"))
                .anyMatch(jar -> jar.startsWith("quench-testkit-"))
                .anyMatch(jar -> jar.startsWith("sshd-core-"));
    }
}
