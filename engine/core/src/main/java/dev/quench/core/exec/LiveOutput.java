package dev.quench.core.exec;

import dev.quench.api.RecordingOutput;
import dev.quench.api.StepOutput;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.events.RunEventType;

/**
 * A step's output as the engine takes it: every chunk goes to the attempt's {@link RecordingOutput}
 * (the run's history) and, cut into lines, to the live events, masked by the same {@link SecretScrubber}
 * as the history. A line is published when its newline arrives; {@link #flush()} publishes an unfinished
 * last line at the attempt's end. A partial line longer than the event line limit is published as it
 * is (cut), so a command that never writes a newline cannot make the engine hold its output. Thread-safe.
 */
final class LiveOutput implements StepOutput {

    private final RecordingOutput recording;
    private final RunEventBus events;
    private final String runId;
    private final String runbook;
    private final String step;
    private final SecretScrubber scrubber;
    private final StringBuilder stdoutLine = new StringBuilder();
    private final StringBuilder stderrLine = new StringBuilder();

    LiveOutput(RecordingOutput recording, RunEventBus events, String runId, String runbook, String step,
               SecretScrubber scrubber) {
        this.recording = recording;
        this.events = events;
        this.runId = runId;
        this.runbook = runbook;
        this.step = step;
        this.scrubber = scrubber;
    }

    @Override
    public void stdout(String chunk) {
        recording.stdout(chunk);
        split(stdoutLine, chunk, RunEventType.STDOUT);
    }

    @Override
    public void stderr(String chunk) {
        recording.stderr(chunk);
        split(stderrLine, chunk, RunEventType.STDERR);
    }

    @Override
    public void info(String message) {
        recording.info(message);
        events.line(runId, runbook, RunEventType.INFO, step, message, scrubber::scrub);
    }

    /** Publishes what is left of both streams' unfinished lines. */
    void flush() {
        flush(stdoutLine, RunEventType.STDOUT);
        flush(stderrLine, RunEventType.STDERR);
    }

    private void split(StringBuilder pending, String chunk, RunEventType stream) {
        if (chunk == null || chunk.isEmpty()) {
            return;
        }
        synchronized (pending) {
            int start = 0;
            for (int newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
                pending.append(chunk, start, newline);
                publish(pending, stream);
                start = newline + 1;
            }
            pending.append(chunk, start, chunk.length());
            if (pending.length() > events.limits().maxLineChars() * 2) {
                publish(pending, stream);
            }
        }
    }

    private void flush(StringBuilder pending, RunEventType stream) {
        synchronized (pending) {
            if (!pending.isEmpty()) {
                publish(pending, stream);
            }
        }
    }

    private void publish(StringBuilder pending, RunEventType stream) {
        int end = pending.length();
        if (end > 0 && pending.charAt(end - 1) == '\r') {
            end--;
        }
        events.line(runId, runbook, stream, step, pending.substring(0, end), scrubber::scrub);
        pending.setLength(0);
    }
}
