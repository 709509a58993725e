package dev.quench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the launcher's start-up cache checks (src/test/launcher-class-archive-test.sh) against the
 * distribution this build just assembled, with the JDK running the build: the cache is written by
 * the first serve, used by the next, replaced when stale or garbage, and never fails a start.
 * The script starts and stops {@code bin/quench serve} about a dozen times.
 */
class LauncherStartupCacheIT {

    /** Far above the usual minute: a loaded CI machine is slow, and a hung serve must still end the build. */
    private static final long LIMIT_SECONDS = 600;

    @Test
    void theLauncherWritesUsesAndReplacesItsStartupCache() throws IOException, InterruptedException {
        Path deploy = Path.of("").toAbsolutePath();
        assertThat(deploy.resolve("target/quench/bin/quench")).as("the distribution built in the package phase")
                .isExecutable();
        Path log = Files.createTempFile("launcher-cache-test", ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "src/test/launcher-class-archive-test.sh")
                .directory(deploy.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("KINDS", "default");
        // The build's own options must not reach the serves the script starts.
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("QUENCH_OPTS");
        builder.environment().remove("QUENCH_CDS");
        builder.environment().remove("QUENCH_AOT");
        Process script = builder.start();
        try {
            boolean ended = script.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended).as("the script ended within %d s; its output:%n%s", LIMIT_SECONDS, output).isTrue();
            assertThat(script.exitValue()).as("the script's exit status; its output:%n%s", output).isZero();
            assertThat(output).contains("launcher start-up caches: all checks passed");
        } finally {
            // Its EXIT trap stops the serve it started; a script that hung is killed with its children.
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
