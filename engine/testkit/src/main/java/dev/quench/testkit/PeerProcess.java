package dev.quench.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real peer binary a test starts (Prometheus, Alertmanager): its own process on a loopback port,
 * its output in a log file, ready once it answers {@code GET /-/ready} with 200. Stopped on close by its
 * process handle (SIGTERM, then SIGKILL), so a test never leaves it running. Not thread-safe.
 */
public final class PeerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PeerProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** A loopback port free now (the peer binds it a moment later). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code command} in {@code directory}, writing its output to {@code log}, and returns once it
     * answers {@code /-/ready} on {@code port}.
     *
     * @throws AssertionError with the peer's log when it exits or is not ready within {@code readyWithin}
     */
    public static PeerProcess start(String name, List<String> command, Path directory, Path log, int port,
                                    Duration readyWithin) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PeerProcess peer = new PeerProcess(name, process, port, log);
        Instant deadline = Instant.now().plus(readyWithin);
        while (!peer.ready()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                peer.close();
                throw new AssertionError(name + " did not become ready:\n" + peer.log());
            }
            Thread.sleep(50);
        }
        return peer;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A client for talking to the peer; closed with it. */
    public HttpClient client() {
        return client;
    }

    private boolean ready() {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The peer's own log, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log of " + name + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        client.close();
    }
}
