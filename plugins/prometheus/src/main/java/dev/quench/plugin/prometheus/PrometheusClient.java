package dev.quench.plugin.prometheus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one instant query ({@code GET <url>/api/v1/query?query=...}) with the engine's shared Vert.x web client and
 * reads Prometheus's JSON answer. Blocks the calling (virtual) thread. Thread-safe.
 */
final class PrometheusClient {

    private static final int ERROR_BODY_CHARS = 300;
    /** The largest answer read: about 40 000 series with a few labels each. */
    static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

    private final WebClient client;
    private final PrometheusSettings settings;
    private final int maxResponseBytes;

    PrometheusClient(WebClient client, PrometheusSettings settings) {
        this(client, settings, MAX_RESPONSE_BYTES);
    }

    PrometheusClient(WebClient client, PrometheusSettings settings, int maxResponseBytes) {
        this.client = client;
        this.settings = settings;
        this.maxResponseBytes = maxResponseBytes;
    }

    String queryUrl() {
        return settings.url() + "/api/v1/query";
    }

    /**
     * Asks once, giving up after {@code limit} (at most the configured timeout) or when {@code stopped} completes.
     *
     * @throws InterruptedException when the step's thread is interrupted (cancelled run)
     */
    QueryAnswer query(String promql, Duration limit, CompletableFuture<?> stopped) throws InterruptedException {
        Duration time = limit.compareTo(settings.timeout()) < 0 ? limit : settings.timeout();
        long millis = Math.max(1, time.toMillis());
        HttpRequest<Buffer> request = client.getAbs(queryUrl()).timeout(millis).addQueryParam("query", promql);
        String authorization;
        try {
            authorization = authorization();
        } catch (IOException e) {
            return new QueryAnswer.Rejected(e.getMessage());
        }
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        LimitedBody body = new LimitedBody(maxResponseBytes);
        CompletableFuture<HttpResponse<Void>> sent = request.as(BodyCodec.pipe(body)).send().toCompletionStage()
                .toCompletableFuture();
        try {
            CompletableFuture.anyOf(sent, stopped).get(millis + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new QueryAnswer.Unavailable("no answer from " + queryUrl() + " within " + describe(time));
        } catch (ExecutionException e) {
            if (stopped.isCompletedExceptionally()) {
                throw new InterruptedException("stopped");
            }
            return unreachable(e.getCause());
        }
        if (!sent.isDone()) {
            throw new InterruptedException("stopped");
        }
        if (sent.isCompletedExceptionally()) {
            return unreachable(sent.exceptionNow());
        }
        return read(sent.join(), body.body());
    }

    private QueryAnswer unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LimitedBody.TooLarge) {
                return new QueryAnswer.Rejected(queryUrl() + ": " + cause.getMessage() + "; Quench stopped reading "
                        + "it. Narrow the query (a label matcher, sum by (...), topk(10, ...)) so it returns fewer "
                        + "series.");
            }
        }
        String why = failure == null ? "unknown failure" : failure.getMessage() == null
                ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure instanceof java.util.concurrent.TimeoutException
                || failure != null && failure.getClass().getSimpleName().contains("Timeout")) {
            return new QueryAnswer.Unavailable("no answer from " + queryUrl() + " in time (" + why + ")");
        }
        return new QueryAnswer.Unavailable("could not reach " + queryUrl() + ": " + why);
    }

    /** The Authorization header value from the secret files, or null without auth. Read at each query (rotation). */
    String authorization() throws IOException {
        if (settings.bearerTokenFile() != null) {
            String token = readSecret("prometheus.bearerTokenFile", settings.bearerTokenFile());
            return "Bearer " + token;
        }
        if (settings.basicAuth() != null) {
            String password = readSecret("prometheus.basicAuth.passwordFile", settings.basicAuth().passwordFile());
            String pair = settings.basicAuth().user() + ":" + password;
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static String readSecret(String key, String file) throws IOException {
        String value;
        try {
            value = Files.readString(Path.of(file)).strip();
        } catch (IOException | RuntimeException e) {
            throw new IOException(key + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); no query was sent. Check the file and that the user running Quench may "
                    + "read it.", e);
        }
        if (value.isEmpty() || value.contains("\n")) {
            throw new IOException(key + " " + file + (value.isEmpty() ? " is empty" : " holds more than one line")
                    + "; no query was sent. Put the secret alone on one line.");
        }
        return value;
    }

    private QueryAnswer read(HttpResponse<Void> response, Buffer body) {
        int status = response.statusCode();
        String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
        JsonObject json = null;
        try {
            json = text.isBlank() ? null : new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            // Not Prometheus's JSON (a proxy's HTML page): described by status below.
        }
        if (json != null && "error".equals(json.getValue("status"))) {
            String said = "Prometheus answered " + status + " " + json.getValue("errorType") + ": "
                    + json.getValue("error");
            return status >= 500 ? new QueryAnswer.Unavailable(said) : new QueryAnswer.Rejected(said);
        }
        if (status >= 500 || status == 429) {
            return new QueryAnswer.Unavailable(queryUrl() + " answered " + status + excerpt(text));
        }
        if (status == 401 || status == 403) {
            return new QueryAnswer.Rejected(queryUrl() + " answered " + status + ": check prometheus.bearerTokenFile "
                    + "or prometheus.basicAuth in quench.yaml" + excerpt(text));
        }
        if (status != 200 || json == null) {
            return new QueryAnswer.Rejected(queryUrl() + " answered " + status + " without Prometheus's JSON; is "
                    + "prometheus.url the Prometheus server (with its path prefix, if any)?" + excerpt(text));
        }
        return series(json);
    }

    private QueryAnswer series(JsonObject json) {
        try {
            JsonObject data = json.getJsonObject("data");
            String type = data.getString("resultType");
            if ("scalar".equals(type)) {
                return new QueryAnswer.Series(type, List.of(new Sample(Map.of(), number(data.getJsonArray("result")))));
            }
            if (!"vector".equals(type)) {
                return new QueryAnswer.Rejected("the query returned a " + type + ", not a vector or scalar: "
                        + ("matrix".equals(type) ? "a range vector like x[5m] needs a function around it, like "
                        + "rate(x[5m]) or max_over_time(x[5m])" : "compare a number instead"));
            }
            List<Sample> samples = new ArrayList<>();
            JsonArray result = data.getJsonArray("result");
            for (int i = 0; i < result.size(); i++) {
                JsonObject entry = result.getJsonObject(i);
                Map<String, String> labels = new LinkedHashMap<>();
                JsonObject metric = entry.getJsonObject("metric");
                if (metric != null) {
                    metric.forEach(label -> labels.put(label.getKey(), String.valueOf(label.getValue())));
                }
                samples.add(new Sample(labels, number(entry.getJsonArray("value"))));
            }
            return new QueryAnswer.Series(type, samples);
        } catch (RuntimeException e) {
            return new QueryAnswer.Rejected(queryUrl() + " answered 200 with JSON that is not an instant query "
                    + "result (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** A sample's {@code [timestamp, "value"]}: Prometheus writes the value as a string ("NaN", "+Inf" included). */
    private static double number(JsonArray pair) {
        String value = String.valueOf(pair.getValue(1));
        return switch (value) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        };
    }

    private static String excerpt(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        if (line.isEmpty()) {
            return "";
        }
        return ": " + (line.length() > ERROR_BODY_CHARS ? line.substring(0, ERROR_BODY_CHARS) + "…" : line);
    }

    static String describe(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis >= 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
