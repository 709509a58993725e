package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory is the engine user's alone; the embedded store opens no port. */
class DataDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void aNewDataDirectoryIsCreated0700() throws Exception {
        Path data = temp.resolve("a/data");

        DataDirectory.prepare(data);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }

    @Test
    void aDataDirectoryOwnedByAnotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a directory to another user");
        Path data = Files.createDirectory(temp.resolve("data"));
        Files.setAttribute(data, "unix:uid", 65534);

        assertThatThrownBy(() -> DataDirectory.prepare(data))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("data directory " + data.toAbsolutePath() + " is owned by")
                .hasMessageContaining("(uid 65534), not by the user Quench runs as (uid 0)")
                .hasMessageContaining("chown -R");
    }

    @Test
    void anEmbeddedStoreWithAutoServerIsRefused() {
        String url = "jdbc:h2:file:" + temp.resolve("quench") + ";AUTO_SERVER=TRUE";

        assertThatThrownBy(() -> Store.open(url, "sa", ""))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("AUTO_SERVER=TRUE")
                .hasMessageContaining("Remove it");
        assertThat(temp.resolve("quench.mv.db")).doesNotExist();
    }

    @Test
    void theEmbeddedStoreClosesOnlyWhenTheEngineClosesIt() {
        assertThat(Store.durable("jdbc:h2:file:/var/lib/quench/quench"))
                .isEqualTo("jdbc:h2:retry:/var/lib/quench/quench;WRITE_DELAY=500;DB_CLOSE_ON_EXIT=FALSE;TRACE_LEVEL_FILE=0");
    }
}
