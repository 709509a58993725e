package dev.quench.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server-sent events reader for tests: each event with the time it was read, parsed as a browser would. */
final class SseClient implements AutoCloseable {

    /** One event as read: its id (null when it had none), type, data and when its last line arrived. */
    record Received(String id, String event, JsonNode data, Instant at) {
    }

    private static final Received CLOSED = new Received(null, "(closed)", null, Instant.EPOCH);

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Stream<String> lines;
    private final int status;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.lines = response.body();
        Thread.ofVirtual().start(() -> read(lines));
    }

    static SseClient open(URI uri, String token, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return new SseClient(client.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    int status() {
        return status;
    }

    private void read(Stream<String> lines) {
        String id = null;
        String event = "message";
        StringBuilder data = new StringBuilder();
        try (lines) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        received.add(new Received(id, event, Json.json().readTree(data.toString()), Instant.now()));
                    }
                    id = null;
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException ignored) {
            // The stream was closed under the reader (close()): what was read is kept.
        } finally {
            received.add(CLOSED);
        }
    }

    /** The next event, or null when none comes within {@code timeout} or the stream closed. */
    Received next(Duration timeout) throws InterruptedException {
        Received next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return next == CLOSED ? null : next;
    }

    /** Every event until the stream closes (a run's stream closes after its end), waiting at most {@code timeout} in all. */
    List<Received> untilClosed(Duration timeout) throws InterruptedException {
        List<Received> events = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Received next = received.poll(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                    TimeUnit.MILLISECONDS);
            if (next == CLOSED) {
                return events;
            }
            if (next == null) {
                break;
            }
            events.add(next);
        }
        throw new AssertionError("the stream did not close within " + timeout + "; read so far: " + events);
    }

    @Override
    public void close() {
        lines.close();
    }
}
