package dev.quench.core.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quench.core.util.Json;
import dev.quench.core.util.TerminalText;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Follows one run's live events ({@code GET /api/v1/runs/{id}/events}) and prints them like {@code tail -f}:
 * step starts and ends, stdout lines to stdout and stderr lines to stderr as the run prints them, until
 * the run ends. A stream cut before the end is resumed with {@code Last-Event-ID}, a few times. Output
 * from the run is printed through {@link TerminalText#escape}: a target's output cannot drive the terminal.
 */
final class RunFollower {

    /** Reconnects after a cut stream before giving up. */
    private static final int RECONNECTS = 5;
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    /**
     * How following ended: the run's final status (or {@code awaiting_approval} when asked to stop there),
     * or empty with {@code problem} saying why the events could not be followed ({@code httpStatus} 0 when
     * the server was not reached).
     */
    record Outcome(Optional<String> status, String message, int httpStatus, String problem) {

        static Outcome ended(String status, String message) {
            return new Outcome(Optional.of(status), message, 200, "");
        }

        static Outcome failed(int httpStatus, String problem) {
            return new Outcome(Optional.empty(), "", httpStatus, problem);
        }

        boolean succeeded() {
            return status.filter("succeeded"::equals).isPresent();
        }
    }

    private final URI server;
    private final String token;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private long lastId;

    RunFollower(URI server, String token, PrintStream out, PrintStream err) {
        this.server = server;
        this.token = token;
        this.out = out;
        this.err = err;
    }

    /**
     * Prints the run's events until it ends, or until {@code deadline} (null: no deadline), or, with
     * {@code stopAtApproval}, until it waits for a person.
     */
    Outcome follow(String runId, Instant deadline, boolean stopAtApproval) throws InterruptedException {
        URI uri = server.resolve("/api/v1/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/events");
        String problem = "";
        // Failures in a row: a stream that delivered events before it broke starts the count again.
        for (int failures = 0; failures <= RECONNECTS; failures++) {
            if (failures > 0) {
                Thread.sleep(RECONNECT_PAUSE.toMillis());
            }
            long before = lastId;
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET();
            if (lastId > 0) {
                request.header("Last-Event-ID", Long.toString(lastId));
            }
            HttpResponse<Stream<String>> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            } catch (IOException e) {
                problem = "cannot reach Quench at " + server + ": " + e.getMessage()
                        + " — is 'quench serve' running there? (--server URL)";
                continue;
            }
            try (Stream<String> lines = response.body()) {
                if (response.statusCode() != 200) {
                    JsonNode body = parse(String.join("\n", lines.toList()));
                    return Outcome.failed(response.statusCode(), body.path("error").asText("HTTP "
                            + response.statusCode()) + (body.path("detail").asText().isEmpty() ? ""
                            : ": " + body.path("detail").asText()));
                }
                Optional<Outcome> outcome = read(lines.iterator(), deadline, stopAtApproval);
                if (outcome.isPresent()) {
                    return outcome.get();
                }
                problem = "the event stream from " + server + " ended before the run did";
            } catch (java.io.UncheckedIOException e) {
                problem = "the event stream from " + server + " broke: " + e.getCause().getMessage();
            }
            if (lastId > before) {
                failures = 0;
            }
            if (deadline != null && Instant.now().isAfter(deadline)) {
                break;
            }
        }
        return Outcome.failed(0, problem + " (tried " + (RECONNECTS + 1) + " times in a row)");
    }

    /** Reads frames until the run ends (its outcome), the deadline passes or the stream ends (empty). */
    private Optional<Outcome> read(Iterator<String> lines, Instant deadline, boolean stopAtApproval) {
        String id = null;
        String event = "message";
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (deadline != null && Instant.now().isAfter(deadline)) {
                return Optional.of(Outcome.failed(0, "still running at the deadline"));
            }
            if (!line.isEmpty()) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
                continue;
            }
            if (data.isEmpty()) {
                continue;
            }
            if (id != null) {
                lastId = Long.parseLong(id);
            }
            Optional<Outcome> outcome = print(event, parse(data.toString()), stopAtApproval);
            if (outcome.isPresent()) {
                return outcome;
            }
            id = null;
            event = "message";
            data.setLength(0);
        }
        return Optional.empty();
    }

    /** "verify " before a check of verify: (its events carry phase verify). */
    private static String verifyMark(JsonNode data) {
        return "verify".equals(data.path("phase").asText()) ? "verify " : "";
    }

    private Optional<Outcome> print(String event, JsonNode data, boolean stopAtApproval) {
        String step = data.path("step").asText();
        switch (event) {
            case "stdout" -> out.println(TerminalText.escape(data.path("line").asText()));
            case "stderr" -> err.println(TerminalText.escape(data.path("line").asText()));
            case "info" -> out.println(TerminalText.escape("[" + step + "] " + data.path("line").asText()));
            case "step-started" -> out.println(TerminalText.escape("--> " + verifyMark(data) + step + " ("
                    + data.path("uses").asText() + ")"));
            case "step-finished" -> {
                String exit = data.path("exitCode").isNumber() ? " (exit " + data.path("exitCode").asInt() + ")" : "";
                String message = data.path("message").asText();
                out.println(TerminalText.escape("<-- " + verifyMark(data) + step + " " + data.path("status").asText() + exit
                        + (message.isEmpty() ? "" : ": " + message)));
            }
            case "dropped" -> err.println(TerminalText.escape("(" + data.path("count").asLong() + " events left out: "
                    + data.path("reason").asText() + ")"));
            case "status" -> {
                String status = data.path("status").asText();
                out.println(TerminalText.escape("run " + data.path("runId").asText() + ": " + status));
                if (stopAtApproval && status.equals("awaiting_approval")) {
                    return Optional.of(Outcome.ended(status, ""));
                }
            }
            case "end" -> {
                String status = data.path("status").asText();
                String message = data.path("message").asText();
                out.println(TerminalText.escape("run " + data.path("runId").asText() + " " + status
                        + (message.isEmpty() ? "" : ": " + message)));
                return Optional.of(Outcome.ended(status, message));
            }
            default -> {
                // An event type this CLI does not know (a newer server): skipped, the stream goes on.
            }
        }
        return Optional.empty();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.json().readTree(json);
        } catch (IOException e) {
            return Json.json().createObjectNode().put("error", "not JSON: " + json);
        }
    }
}
