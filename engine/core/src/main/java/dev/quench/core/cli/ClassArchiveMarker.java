package dev.quench.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the launcher ({@code bin/quench}) that this {@code serve} got as far as serving, so the class
 * data sharing archive the JVM writes when it stops holds the classes of a real start and may be kept.
 * Without the mark (a start that failed on a config error) the launcher removes the archive before the
 * next start, and the next good run writes a full one. See docs/startup.md.
 */
final class ClassArchiveMarker {

    /** The system property the launcher sets to the archive's path. */
    static final String ARCHIVE_PROPERTY = "quench.cds.archive";

    private static final Logger LOG = LoggerFactory.getLogger(ClassArchiveMarker.class);

    private ClassArchiveMarker() {
    }

    /** The marker file beside {@code archive}. */
    static Path markerFor(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".ok");
    }

    /** Writes the marker if the launcher asked for one; a failure only costs the archive, so it is logged. */
    static Optional<Path> markServing() {
        String archive = System.getProperty(ARCHIVE_PROPERTY, "");
        if (archive.isBlank()) {
            return Optional.empty();
        }
        Path marker = markerFor(Path.of(archive));
        try {
            Files.writeString(marker, "the quench serve that writes this archive served\n");
            return Optional.of(marker);
        } catch (IOException | RuntimeException e) {
            LOG.info("cannot write {} ({}): the class data archive will be rebuilt at the next start", marker,
                    e.toString());
            return Optional.empty();
        }
    }
}
