package dev.quench.core.runbook;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a runbook file, 1-based like editors show it.
 *
 * @param file   the file
 * @param line   1-based line
 * @param column 1-based column
 */
public record SourcePosition(Path file, int line, int column) {

    public SourcePosition {
        Objects.requireNonNull(file, "file");
    }

    /** The position {@code columns} further along the same line. */
    public SourcePosition plusColumns(int columns) {
        return new SourcePosition(file, line, column + columns);
    }

    /** {@code FILE:LINE:COL}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
