package dev.quench.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start limit of {@link ServeProcess} is generous (a loaded machine starts a node slowly), so it must
 * cost nothing when a start fails: a {@code quench serve} that exits is reported as soon as it exits.
 */
class ServeProcessTest {

    @TempDir
    Path temp;

    @Test
    void aServeThatExitsFailsTheStartAtOnceWithItsOutputNotAfterTheLimit() throws Exception {
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, "server: {prot: 0}\n");
        Instant started = Instant.now();
        assertThatThrownBy(() -> ServeProcess.start(temp, temp.resolve("serve.log"), "serve", "--config",
                config.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("quench serve did not start")
                .hasMessageContaining("prot");
        assertThat(Duration.between(started, Instant.now())).as("a start that failed waited for its exit only")
                .isLessThan(ServeProcess.START_LIMIT.dividedBy(3));
        assertThat(ServeProcess.START_LIMIT).isGreaterThanOrEqualTo(Duration.ofSeconds(180));
    }
}
