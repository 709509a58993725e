package dev.quench.plugin.wait;

import dev.quench.api.Required;
import dev.quench.api.ShellCommand;
import dev.quench.api.StepDoc;
import dev.quench.api.StepField;

import java.net.URI;
import java.time.Duration;

/**
 * The {@code with:} block of a {@code wait} step: either a fixed {@code duration}, or a check repeated every
 * {@code interval} until it passes or the {@code deadline} passes. Exactly one of {@code duration}, {@code http}
 * and {@code command} is given.
 *
 * @param duration how long to wait, for a fixed wait
 * @param http     a URL checked with GET; passes on a 2xx status, or on {@code status} when given
 * @param status   the status code the {@code http} check expects, or null for any 2xx
 * @param command  a local shell command ({@code /bin/sh -c}); passes when it exits 0
 * @param interval time between checks; null means {@value #DEFAULT_INTERVAL_SECONDS} s
 * @param deadline how long checks may go on; null means until the step's timeout
 */
@StepDoc(summary = """
        A fixed wait, or a check repeated every `interval` until it passes or `deadline` passes: exactly one of \
        `duration`, `http`, `command`.""",
        example = """
                - id: healthy
                  uses: wait
                  with:
                    http: http://${{ alert.labels.instance }}:8080/health
                    interval: 2s
                    deadline: 1m
                """)
public record WaitConfig(
        @Required(or = {"http", "command"}, example = "duration: 30s")
        @StepField(description = "how long to wait, for a fixed wait") Duration duration,
        @StepField(description = "a URL checked with GET; passes on a 2xx, or on `status`") String http,
        @StepField(description = "the status the `http` check expects (100-599)", whenAbsent = "any 2xx")
        Integer status,
        @StepField(description = "a local shell command (`/bin/sh -c`); passes when it exits 0")
        @ShellCommand String command,
        @StepField(description = "time between checks", defaultValue = "5s") Duration interval,
        @StepField(description = "how long checks may go on", whenAbsent = "the step's `timeout`") Duration deadline) {

    static final long DEFAULT_INTERVAL_SECONDS = 5;

    public WaitConfig {
        http = http == null || http.isBlank() ? null : http.strip();
        command = command == null || command.isBlank() ? null : command;
        int given = (duration != null ? 1 : 0) + (http != null ? 1 : 0) + (command != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException(given == 0
                    ? "wait needs duration (a fixed wait: 30s), or http (a URL) or command to check until it passes"
                    : "give only one of duration, http and command");
        }
        positive("duration", duration);
        positive("interval", interval);
        positive("deadline", deadline);
        if (http != null) {
            URI uri;
            try {
                uri = URI.create(http);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("http is not a URL: " + http + " (" + e.getMessage() + ")", e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("http must be an http:// or https:// URL, got " + http);
            }
        }
        if (status != null && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("status must be an HTTP status code (100-599), got " + status);
        }
        if (status != null && http == null) {
            throw new IllegalArgumentException("status applies to the http check only");
        }
        if (duration != null && (interval != null || deadline != null)) {
            throw new IllegalArgumentException("interval and deadline apply to a check (http or command), not to a "
                    + "fixed duration");
        }
    }

    /** A fixed wait. */
    public static WaitConfig fixed(Duration duration) {
        return new WaitConfig(duration, null, null, null, null, null);
    }

    Duration intervalOrDefault() {
        return interval == null ? Duration.ofSeconds(DEFAULT_INTERVAL_SECONDS) : interval;
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
