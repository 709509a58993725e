package dev.quench.core.runbook;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Something in a runbook file that works but is likely to hurt, with where it is. A warning does
 * not stop the runbook from loading. {@link #toString()} is {@code FILE:LINE:COL: warning: message}.
 *
 * @param file    the runbook file
 * @param line    1-based line
 * @param column  1-based column
 * @param message what the risk is and how to avoid it
 */
public record RunbookWarning(Path file, int line, int column, String message) {

    public RunbookWarning {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** A warning at {@code position}. */
    public static RunbookWarning at(SourcePosition position, String message) {
        return new RunbookWarning(position.file(), position.line(), position.column(), message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": warning: " + message;
    }
}
