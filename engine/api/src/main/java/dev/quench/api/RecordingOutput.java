package dev.quench.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A step output that keeps what a step streams: the engine records each attempt with a capped one,
 * and a plugin's tests read back what the user would have seen live. Thread-safe.
 */
public final class RecordingOutput implements StepOutput {

    /** Info lines a capped recording keeps; a plugin writing more is looping, not informing. */
    private static final int CAPPED_INFO_LINES = 100;

    private final CappedText stdout;
    private final CappedText stderr;
    private final int infoLimit;
    private final List<String> info = new ArrayList<>();

    /** Keeps everything (for tests). */
    public RecordingOutput() {
        this(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** Keeps at most {@code limit} characters of each stream (with a marker counting the rest) and 100 info lines. */
    public RecordingOutput(int limit) {
        this(limit, CAPPED_INFO_LINES);
    }

    private RecordingOutput(int limit, int infoLimit) {
        this.stdout = new CappedText(limit);
        this.stderr = new CappedText(limit);
        this.infoLimit = infoLimit;
    }

    @Override
    public void stdout(String chunk) {
        stdout.append(chunk);
    }

    @Override
    public void stderr(String chunk) {
        stderr.append(chunk);
    }

    @Override
    public synchronized void info(String message) {
        if (info.size() < infoLimit) {
            info.add(message);
        }
    }

    /** Every stdout chunk so far, joined as the user would read them. */
    public String allStdout() {
        return stdout.text();
    }

    /** Every stderr chunk so far, joined. */
    public String allStderr() {
        return stderr.text();
    }

    /** Every info line so far, one per line. */
    public synchronized String allInfo() {
        return String.join("\n", info);
    }

    /** The info lines so far, in order. */
    public synchronized List<String> infoLines() {
        return List.copyOf(info);
    }
}
