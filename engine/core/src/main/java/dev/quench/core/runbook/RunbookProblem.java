package dev.quench.core.runbook;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something wrong in a runbook file, with where it is. {@link #toString()} is the
 * {@code FILE:LINE:COL: message} form that editors and CI logs turn into links.
 *
 * @param file    the runbook file
 * @param line    1-based line
 * @param column  1-based column
 * @param message what is wrong and, where we can tell, how to fix it
 */
public record RunbookProblem(Path file, int line, int column, String message) {

    public RunbookProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** A problem at {@code position}. */
    public static RunbookProblem at(SourcePosition position, String message) {
        return new RunbookProblem(position.file(), position.line(), position.column(), message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
