package dev.quench.core.exec;

import dev.quench.api.StepOutput;
import dev.quench.core.util.CappedText;
import java.util.ArrayList;
import java.util.List;

/** Keeps a capped copy of what a step streams, plus the plugin's info lines. Thread-safe. */
final class RecordingOutput implements StepOutput {

    private final CappedText stdout;
    private final CappedText stderr;
    private final List<String> info = new ArrayList<>();

    RecordingOutput(int limit) {
        this.stdout = new CappedText(limit);
        this.stderr = new CappedText(limit);
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
        if (info.size() < 100) {
            info.add(message);
        }
    }

    String stdoutText() {
        return stdout.text();
    }

    String stderrText() {
        return stderr.text();
    }

    synchronized List<String> infoLines() {
        return List.copyOf(info);
    }
}
