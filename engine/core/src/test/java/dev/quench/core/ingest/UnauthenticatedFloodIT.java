package dev.quench.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quench.core.testing.ServeProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 connections without credentials stream 32 MiB bodies at an engine whose heap (96 MiB) could not
 * hold two of them, while an authenticated sender and an API client go on: every authenticated
 * request is answered 2xx within the deadline, and {@code /health/live} still says up. Loopback
 * only; bounded in connections, bytes and time. (Before the credentials were checked from the
 * headers, the bodies were buffered whole and the engine ran out of memory.)
 */
class UnauthenticatedFloodIT {

    private static final int HOSTILE_CONNECTIONS = 50;
    private static final long HOSTILE_BODY = 32L * 1024 * 1024;
    private static final int AUTHENTICATED_REQUESTS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void authenticatedSendersAreServedWhileFiftyUnauthenticatedConnectionsStreamLargeBodies() throws Exception {
        Files.createDirectories(temp.resolve("runbooks"));
        Path config = temp.resolve("quench.yaml");
        Files.writeString(config, """
                data: data
                runbooks: runbooks
                server: {host: 127.0.0.1, port: 0}
                """);
        try (ServeProcess quench = ServeProcess.start(temp, temp.resolve("quench.log"), List.of("-Xmx96m"), "serve",
                "--config", config.toString())) {
            String token = Files.readString(temp.resolve("data/quench.token")).strip();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong hostileBytes = new AtomicLong();
            AtomicLong hostileAttempts = new AtomicLong();
            java.util.Set<RawHttp> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<Thread> hostile = new ArrayList<>();
            for (int index = 0; index < HOSTILE_CONNECTIONS; index++) {
                hostile.add(Thread.ofPlatform().daemon(true).name("hostile-" + index)
                        .start(() -> flood(quench.port(), stop, connections, hostileBytes, hostileAttempts)));
            }
            List<String> answers = new ArrayList<>();
            Instant deadline = Instant.now().plus(DEADLINE);
            try {
                Thread.sleep(1_000); // the flood is under way
                for (int index = 0; index < AUTHENTICATED_REQUESTS && Instant.now().isBefore(deadline); index++) {
                    HttpResponse<String> response = index % 2 == 0
                            ? quench.post("/hooks/alertmanager", token,
                                    AlertmanagerGroups.group("Flood" + index, 1, "firing", 0))
                            : quench.get("/api/v1/runs?limit=5", token);
                    String body = response.body().replaceAll("\\s+", " ");
                    answers.add(response.statusCode() + " " + body.substring(0, Math.min(80, body.length())));
                }
                HttpResponse<String> live = quench.get("/health/live", token);
                answers.add("live " + live.statusCode());
            } catch (IOException e) {
                answers.add("failed: " + e);
            } finally {
                stop.set(true);
                for (RawHttp connection : connections) {
                    connection.close(); // a write blocked on a server that stopped reading ends now
                }
                for (Thread thread : hostile) {
                    thread.join(10_000);
                }
            }

            String engineLog = quench.output();
            assertThat(answers).as("hostile: %d attempts, %d MiB sent; engine %s; its log ends:%n%s",
                    hostileAttempts.get(), hostileBytes.get() >> 20, quench.isAlive() ? "alive" : "exited",
                    engineLog.substring(Math.max(0, engineLog.length() - 4000))).hasSize(AUTHENTICATED_REQUESTS + 1);
            assertThat(answers.subList(0, AUTHENTICATED_REQUESTS)).allSatisfy(answer -> assertThat(answer).matches("2\\d\\d .*"));
            assertThat(answers.getLast()).isEqualTo("live 200");
            assertThat(hostileAttempts.get()).isGreaterThanOrEqualTo(HOSTILE_CONNECTIONS);
        }
    }

    /** One hostile client: sends a head with a 32 MiB length and a wrong token, then streams until cut off. */
    private static void flood(int port, AtomicBoolean stop, java.util.Set<RawHttp> connections, AtomicLong bytes,
                              AtomicLong attempts) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        Instant end = Instant.now().plus(DEADLINE);
        while (!stop.get() && Instant.now().isBefore(end)) {
            attempts.incrementAndGet();
            try (RawHttp client = new RawHttp(port)) {
                connections.add(client);
                client.postHead("/hooks/alertmanager", HOSTILE_BODY, "Authorization: Bearer not-the-token");
                for (long sent = 0; sent < HOSTILE_BODY && !stop.get(); sent += chunk.length) {
                    client.send(chunk);
                    bytes.addAndGet(chunk.length);
                }
            } catch (IOException cutOff) {
                // The server closed the connection: what it should do. Try again, as an attacker would.
            }
            connections.removeIf(RawHttp::isClosed);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
