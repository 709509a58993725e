package dev.quench.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest journal's files on a real disk: what survives a crash, what is cut off, what is deleted. */
class JournalFilesTest {

    @TempDir
    Path directory;

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(JournalFiles files) {
        return files.recovered().stream().map(record -> new String(record.body(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(JournalFiles.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void recordsAppendedBeforeAStopAreReadBackInOrderWithTheirSequences() throws IOException {
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(files.append(List.of(body("one"), body("two")))).isEqualTo(1);
            assertThat(files.append(List.of(body("three")))).isEqualTo(3);
        }
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(texts(files)).containsExactly("one", "two", "three");
            assertThat(files.recovered()).extracting(JournalFiles.Record::sequence).containsExactly(1L, 2L, 3L);
            assertThat(files.append(List.of(body("four")))).as("sequences go on after a restart").isEqualTo(4);
        }
        try (JournalFiles files = JournalFiles.open(directory, 2, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(texts(files)).as("records at or below the stored checkpoint are not read back")
                    .containsExactly("three", "four");
        }
    }

    @Test
    void aWriteCutShortByACrashIsCutOffAndEverythingBeforeItKept() throws IOException {
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            files.append(List.of(body("acknowledged")));
            files.append(List.of(body("torn by the crash")));
        }
        Path segment = segments().get(0);
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(size - 5);
        }
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(texts(files)).containsExactly("acknowledged");
            assertThat(files.append(List.of(body("after")))).isEqualTo(2);
        }
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(texts(files)).containsExactly("acknowledged", "after");
        }
    }

    @Test
    void aDamagedOlderSegmentIsMovedAsideAndTheOthersAreStillRead() throws IOException {
        try (JournalFiles files = JournalFiles.open(directory, 0, 16)) {
            files.append(List.of(body("first segment, first record")));
            files.append(List.of(body("second segment")));
        }
        Path first = segments().get(0);
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            file.seek(20);
            file.write('X'); // a flipped byte inside the first record's body
        }
        try (JournalFiles files = JournalFiles.open(directory, 0, 16)) {
            assertThat(texts(files)).containsExactly("second segment");
        }
        assertThat(first.resolveSibling(first.getFileName() + ".damaged")).exists();
    }

    @Test
    void segmentsRollOverAndAreDeletedOnceEveryRecordInThemIsStored() throws IOException {
        try (JournalFiles files = JournalFiles.open(directory, 0, 64)) {
            for (int record = 1; record <= 5; record++) {
                files.append(List.of(body("record number " + record + " with some padding to fill 64 bytes...")));
            }
            assertThat(segments()).hasSize(6); // five full ones, one new and empty
            assertThat(files.oldestClosedEnd()).isEqualTo(1);
            assertThat(files.release(sequence -> sequence <= 3)).isEqualTo(3);
            assertThat(segments()).hasSize(3);
            assertThat(files.oldestClosedEnd()).isEqualTo(4);
        }
        try (JournalFiles files = JournalFiles.open(directory, 3, 64)) {
            assertThat(files.recovered()).extracting(JournalFiles.Record::sequence).containsExactly(4L, 5L);
            assertThat(files.append(List.of(body("six")))).isEqualTo(6);
        }
    }

    @Test
    void aSecondProcessCannotUseTheSameJournal() {
        try (JournalFiles files = JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThatThrownBy(() -> JournalFiles.open(directory, 0, JournalFiles.DEFAULT_SEGMENT_BYTES))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("another Quench process")
                    .hasMessageContaining(directory.toString());
        }
    }

    @Test
    void aCheckpointAheadOfTheFilesNeverReusesASequence() throws IOException {
        try (JournalFiles files = JournalFiles.open(directory, 41, JournalFiles.DEFAULT_SEGMENT_BYTES)) {
            assertThat(files.recovered()).isEmpty();
            assertThat(files.append(List.of(body("next")))).isEqualTo(42);
        }
    }
}
