package dev.quench.plugin.ssh;

import dev.quench.api.StepResult;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one target of a fan-out did, as it appears in the step's {@code outputs.targets}. Immutable.
 *
 * @param host     the host as the step names it
 * @param status   {@code succeeded}, {@code failed}, or {@code skipped} (never started)
 * @param exitCode the command's exit code, or null when it has none
 * @param stdout   standard output, capped
 * @param stderr   standard error, capped
 * @param duration how long the target took (zero when skipped)
 * @param message  why it failed or was skipped; empty when it succeeded
 */
record TargetResult(String host, Status status, Integer exitCode, String stdout, String stderr, Duration duration,
                    String message) {

    enum Status { SUCCEEDED, FAILED, SKIPPED }

    TargetResult {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
        message = message == null ? "" : message;
    }

    static TargetResult of(String host, StepResult result, Duration duration, int capBytes) {
        return new TargetResult(host, result.succeeded() ? Status.SUCCEEDED : Status.FAILED, result.exitCode(),
                cap(result.stdout(), capBytes), cap(result.stderr(), capBytes), duration, result.message());
    }

    static TargetResult failed(String host, String message, Duration duration) {
        return new TargetResult(host, Status.FAILED, null, "", "", duration, message);
    }

    static TargetResult skipped(String host, String why) {
        return new TargetResult(host, Status.SKIPPED, null, "", "", Duration.ZERO, why);
    }

    boolean failed() {
        return status == Status.FAILED;
    }

    /** The entry of {@code outputs.targets}: plain values a later step's expression can read. */
    Map<String, Object> toOutput() {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("host", host);
        output.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        if (exitCode != null) {
            output.put("exitCode", exitCode);
        }
        output.put("stdout", stdout);
        output.put("stderr", stderr);
        output.put("durationMillis", duration.toMillis());
        output.put("message", message);
        return output;
    }

    private static String cap(String text, int capChars) {
        return text.length() <= capChars ? text : text.substring(0, capChars) + "\n[... cut at " + capChars
                + " characters; the live output has the rest]";
    }
}
