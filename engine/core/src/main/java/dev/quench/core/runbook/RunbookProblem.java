package dev.quench.core.runbook;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something in a runbook file, with where it is: an error, which keeps the file from loading, or a
 * warning, which works but is likely to hurt and does not stop the file. {@link #toString()} is the
 * {@code FILE:LINE:COL: message} form that editors and CI logs turn into links
 * ({@code FILE:LINE:COL: warning: message} for a warning).
 *
 * @param file     the runbook file
 * @param line     1-based line
 * @param column   1-based column
 * @param message  what is wrong (or the risk) and, where we can tell, how to fix it
 * @param severity whether the file still loads
 */
public record RunbookProblem(Path file, int line, int column, String message, Severity severity) {

    /** Whether a problem keeps its file from loading. */
    public enum Severity {
        /** The file does not load. */
        ERROR,
        /** The file loads; the runbook may be misused. */
        WARNING
    }

    public RunbookProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
    }

    /** An error. */
    public RunbookProblem(Path file, int line, int column, String message) {
        this(file, line, column, message, Severity.ERROR);
    }

    /** An error at {@code position}. */
    public static RunbookProblem at(SourcePosition position, String message) {
        return new RunbookProblem(position.file(), position.line(), position.column(), message, Severity.ERROR);
    }

    /** A warning at {@code position}. */
    public static RunbookProblem warningAt(SourcePosition position, String message) {
        return new RunbookProblem(position.file(), position.line(), position.column(), message, Severity.WARNING);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (severity == Severity.WARNING ? "warning: " : "") + message;
    }
}
