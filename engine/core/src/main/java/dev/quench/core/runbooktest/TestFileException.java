package dev.quench.core.runbooktest;

/** A runbook test file that cannot be read as one: says which file, which test and what to fix. */
public final class TestFileException extends RuntimeException {

    public TestFileException(String message) {
        super(message);
    }

    public TestFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
