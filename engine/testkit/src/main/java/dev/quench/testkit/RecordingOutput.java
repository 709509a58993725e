package dev.quench.testkit;

import dev.quench.api.StepOutput;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step output that remembers every chunk, as the engine's live view would see it. Thread-safe. */
public final class RecordingOutput implements StepOutput {

    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<String> info = new CopyOnWriteArrayList<>();

    @Override
    public void stdout(String chunk) {
        stdout.add(chunk);
    }

    @Override
    public void stderr(String chunk) {
        stderr.add(chunk);
    }

    @Override
    public void info(String message) {
        info.add(message);
    }

    /** Every stdout chunk so far, joined as the user would read them. */
    public String allStdout() {
        return String.join("", stdout);
    }

    /** Every stderr chunk so far, joined. */
    public String allStderr() {
        return String.join("", stderr);
    }

    /** Every info line so far, one per line. */
    public String allInfo() {
        return String.join("\n", info);
    }

    /** The info lines so far, in order. */
    public List<String> infoLines() {
        return List.copyOf(info);
    }
}
