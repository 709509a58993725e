package dev.quench.plugin.wait;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.StepContext;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import dev.quench.api.StepStatus;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code wait} step: waits a fixed time ({@code duration: 30s}), or repeats a check until it passes —
 * an HTTP GET answering 2xx ({@code http:}) or a local command exiting 0 ({@code command:}) — and fails when
 * the {@code deadline} (at most the step's timeout) passes first. A cancelled run stops the wait at once.
 * Thread-safe.
 */
public final class WaitStep implements StepPlugin<WaitConfig> {

    /** The longest a single HTTP check may take, so one hung request cannot eat the whole deadline. */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    private static final int CHECK_OUTPUT_CHARS = 200;

    private volatile HttpClient client;

    @Override
    public String type() {
        return "wait";
    }

    @Override
    public Class<WaitConfig> configType() {
        return WaitConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        client = HttpClient.newBuilder().connectTimeout(CHECK_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public StepResult execute(StepContext context, WaitConfig config) {
        if (config.duration() != null) {
            return waitFixed(context, config.duration());
        }
        String what = config.http() != null ? "GET " + config.http() : "command `" + config.command() + "`";
        Duration allowed = config.deadline() == null || config.deadline().compareTo(context.timeout()) > 0
                ? context.timeout() : config.deadline();
        if (context.dryRun()) {
            context.output().info("dry run: would check " + what + " every " + describe(config.intervalOrDefault())
                    + " for up to " + describe(allowed));
            return StepResult.succeeded("");
        }
        Instant end = earlier(Instant.now().plus(allowed), context.deadline());
        Instant started = Instant.now();
        Wakeup wakeup = new Wakeup(context);
        String last = "no check ran";
        for (int checks = 1; ; checks++) {
            CheckOutcome outcome = config.http() != null ? checkHttp(config, end) : checkCommand(config.command(), end);
            // A check the deadline cut short says less than the answer before it (a slow machine, not the service).
            if (!outcome.cutShortByDeadline() || checks == 1) {
                last = outcome.description();
            }
            String took = describe(Duration.between(started, Instant.now()));
            if (outcome.passed()) {
                String passed = what + " passed after " + checks + (checks == 1 ? " check" : " checks") + " in "
                        + took + ": " + last;
                context.output().info(passed);
                return new StepResult(StepStatus.SUCCEEDED, null, passed + "\n", "",
                        Map.of("checks", checks, "last", last), "");
            }
            Instant next = Instant.now().plus(config.intervalOrDefault());
            context.output().info("check " + checks + ": " + what + ": " + last);
            if (!next.isBefore(end)) {
                return StepResult.failed(what + " did not pass within " + describe(allowed) + " (" + checks
                        + (checks == 1 ? " check" : " checks") + ", every " + describe(config.intervalOrDefault())
                        + "; last: " + last + "). Quench stopped waiting and failed the step; check the service, or "
                        + "raise deadline: (and the step's timeout:) if it needs longer.")
                        .withOutputs(Map.of("checks", checks, "last", last));
            }
            if (!wakeup.sleepUntil(next)) {
                return StepResult.failed("stopped waiting for " + what + " after " + checks + " checks: "
                        + wakeup.reason() + " (last: " + last + ")");
            }
        }
    }

    private StepResult waitFixed(StepContext context, Duration duration) {
        Instant until = Instant.now().plus(duration);
        if (until.isAfter(context.deadline())) {
            return StepResult.failed("a wait of " + describe(duration) + " cannot end within the step's timeout of "
                    + describe(context.timeout()) + "; raise timeout: on this step. Nothing was waited for.");
        }
        if (context.dryRun()) {
            context.output().info("dry run: would wait " + describe(duration));
            return StepResult.succeeded("");
        }
        Wakeup wakeup = new Wakeup(context);
        Instant started = Instant.now();
        if (!wakeup.sleepUntil(until)) {
            return StepResult.failed("stopped waiting after " + describe(Duration.between(started, Instant.now()))
                    + " of " + describe(duration) + ": " + wakeup.reason());
        }
        return StepResult.succeeded("waited " + describe(duration) + "\n");
    }

    private CheckOutcome checkHttp(WaitConfig config, Instant end) {
        HttpClient current = client;
        if (current == null) {
            throw new IllegalStateException("wait used before start(PluginEnvironment)");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.http())).GET()
                .timeout(earlier(Duration.between(Instant.now(), end), CHECK_TIMEOUT)).build();
        try {
            HttpResponse<Void> response = current.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            boolean passed = config.status() != null ? status == config.status() : status / 100 == 2;
            return new CheckOutcome(passed, "HTTP " + status + (passed ? "" : config.status() != null
                    ? " (expected " + config.status() + ")" : " (expected 2xx)"));
        } catch (ConnectException e) {
            return new CheckOutcome(false, "connection refused by " + request.uri().getAuthority());
        } catch (java.net.http.HttpTimeoutException e) {
            Duration given = request.timeout().orElseThrow();
            return new CheckOutcome(false, "no answer within " + describe(given), given.compareTo(CHECK_TIMEOUT) < 0);
        } catch (IOException e) {
            return new CheckOutcome(false, "request failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckOutcome(false, "interrupted");
        }
    }

    private static CheckOutcome checkCommand(String command, Instant end) {
        Process process;
        try {
            process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new CheckOutcome(false, "could not start /bin/sh: " + e.getMessage());
        }
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> readCapped(process.getInputStream(), output));
        try {
            process.getOutputStream().close();
            long millis = Math.max(1, Duration.between(Instant.now(), end).toMillis());
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                return new CheckOutcome(false, "still running at the deadline; stopped it");
            }
            reader.join(1000);
            int exit = process.exitValue();
            String said;
            synchronized (output) {
                said = output.toString().strip();
            }
            return new CheckOutcome(exit == 0, "exit " + exit + (said.isEmpty() ? "" : ", output: " + said));
        } catch (IOException e) {
            return new CheckOutcome(false, "could not talk to the command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckOutcome(false, "interrupted");
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void readCapped(InputStream from, StringBuilder into) {
        byte[] buffer = new byte[1024];
        try (from) {
            for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
                synchronized (into) {
                    if (into.length() < CHECK_OUTPUT_CHARS) {
                        String chunk = new String(buffer, 0, read, StandardCharsets.UTF_8);
                        into.append(chunk, 0, Math.min(chunk.length(), CHECK_OUTPUT_CHARS - into.length()));
                    }
                }
            }
        } catch (IOException ignored) {
            // The command was stopped; what it printed so far is enough for the message.
        }
    }

    @Override
    public void close() {
        HttpClient current = client;
        if (current != null) {
            current.close();
        }
    }

    private static <T extends Comparable<? super T>> T earlier(T first, T second) {
        return first.compareTo(second) <= 0 ? first : second;
    }

    /** {@code 30s}, {@code 250ms}, {@code 5m}: durations as runbooks write them. */
    static String describe(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** @param cutShortByDeadline the check got less time than usual because the deadline was near, and ran out */
    private record CheckOutcome(boolean passed, String description, boolean cutShortByDeadline) {
        CheckOutcome(boolean passed, String description) {
            this(passed, description, false);
        }
    }

    /** Sleeps that end early when the step is cancelled or its thread interrupted. */
    private static final class Wakeup {
        private final StepContext context;
        private final CountDownLatch cancelled = new CountDownLatch(1);

        Wakeup(StepContext context) {
            this.context = context;
            context.cancellation().onCancel(cancelled::countDown);
        }

        /** False when the wait was cut short. */
        boolean sleepUntil(Instant until) {
            long nanos = Duration.between(Instant.now(), until).toNanos();
            try {
                return nanos <= 0 ? !context.cancellation().isCancelled()
                        : !cancelled.await(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        String reason() {
            String reason = context.cancellation().reason();
            return reason == null || reason.isBlank() ? "the step was interrupted" : reason;
        }
    }
}
