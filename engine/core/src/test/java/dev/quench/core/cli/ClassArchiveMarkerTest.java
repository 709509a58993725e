package dev.quench.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveMarkerTest {

    @TempDir
    Path directory;

    @AfterEach
    void clearProperty() {
        System.clearProperty(ClassArchiveMarker.ARCHIVE_PROPERTY);
    }

    @Test
    void aServeStartedByTheLauncherMarksItsArchiveAsKeepable() {
        Path archive = directory.resolve("serve-java-25-123.jsa");
        System.setProperty(ClassArchiveMarker.ARCHIVE_PROPERTY, archive.toString());

        assertThat(ClassArchiveMarker.markServing()).contains(directory.resolve("serve-java-25-123.jsa.ok"));
        assertThat(directory.resolve("serve-java-25-123.jsa.ok")).exists();
    }

    @Test
    void withoutTheLauncherNothingIsWritten() throws Exception {
        assertThat(ClassArchiveMarker.markServing()).isEmpty();
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anUnwritableDirectoryCostsOnlyTheArchiveNotTheStart() {
        System.setProperty(ClassArchiveMarker.ARCHIVE_PROPERTY, directory.resolve("missing/dir/a.jsa").toString());

        assertThat(ClassArchiveMarker.markServing()).isEmpty();
    }
}
