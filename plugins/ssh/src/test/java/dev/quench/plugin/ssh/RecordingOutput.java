package dev.quench.plugin.ssh;

import dev.quench.api.StepOutput;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A step output that remembers every chunk, as the engine's live view would see it. */
final class RecordingOutput implements StepOutput {

    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();
    final List<String> info = new CopyOnWriteArrayList<>();

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

    String allStdout() {
        return String.join("", stdout);
    }

    String allInfo() {
        return String.join("\n", info);
    }
}
