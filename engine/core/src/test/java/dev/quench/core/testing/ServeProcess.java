package dev.quench.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code quench serve ARGS…} in its own JVM, started in a given working directory, as a user starts it:
 * a test can count its sockets, send it SIGTERM or SIGKILL, and read what it printed. Not thread-safe.
 */
public final class ServeProcess implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("Quench is serving on http://[^:]+:(\\d+)");
    /**
     * How long a node may take to print that it serves. Generous: at a load of 30 on two cores a start took
     * over a minute. A passing start waits only until it prints, and one that dies ends the wait at once
     * (its output ends), so the limit costs only a start that hangs.
     */
    static final Duration START_LIMIT = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code quench serve args} in {@code workingDirectory}; returns once it prints that it serves. */
    public static ServeProcess start(Path workingDirectory, Path log, String... args) throws Exception {
        return start(workingDirectory, log, List.of(), args);
    }

    /** As {@link #start(Path, Path, String...)}, with JVM options such as {@code -Xmx96m}. */
    public static ServeProcess start(Path workingDirectory, Path log, List<String> jvmOptions, String... args)
            throws Exception {
        Process process = launch(workingDirectory, log, jvmOptions, args);
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> copyOutput(process, log, port));
        try {
            return new ServeProcess(process, port.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS), log);
        } catch (Exception e) {
            kill(process);
            throw new AssertionError("quench serve did not start (no \"Quench is serving\" within " + START_LIMIT
                    + ", or it ended first); it was killed. Its output: " + Files.readString(log), e);
        }
    }

    /** Runs {@code quench ARGS} to its end in {@code workingDirectory}; returns the exit code, output in {@code log}. */
    public static int runToEnd(Path workingDirectory, Path log, Duration timeout, String... args) throws Exception {
        Process process = launch(workingDirectory, log, List.of(), args);
        Thread copier = Thread.ofPlatform().daemon(true).start(() -> copyOutput(process, log, new CompletableFuture<>()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(process);
            throw new AssertionError("quench " + String.join(" ", args) + " did not end within " + timeout + ": "
                    + Files.readString(log));
        }
        copier.join(10_000);
        return process.exitValue();
    }

    private static Process launch(Path workingDirectory, Path log, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.quench.core.cli.QuenchMain"));
        command.addAll(List.of(args));
        Files.deleteIfExists(log);
        Files.createFile(log);
        return new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<Integer> port) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                Matcher matcher = SERVING.matcher(line);
                if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("quench serve ended before serving"));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the process printed so far (stdout and stderr). */
    public String output() throws IOException {
        return Files.readString(log);
    }

    public HttpResponse<String> post(String path, String token, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as systemd or Ctrl-C stops it; waits for the exit and returns its code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            killHard();
            throw new AssertionError("quench serve did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no clean close — what a crash or the OOM killer does. */
    public void killHard() throws InterruptedException {
        kill(process);
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                killHard();
            }
        }
    }
}
