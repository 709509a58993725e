package dev.quench.plugin.http;

import dev.quench.api.PluginEnvironment;
import dev.quench.api.RetryAdvice;
import dev.quench.api.StepContext;
import dev.quench.api.StepFailedException;
import dev.quench.api.StepPlugin;
import dev.quench.api.StepResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code http.request} step: calls an HTTP API (flush a cache, page someone, ask a service for
 * its state) with Vert.x's web client on the engine's shared event loop. The step's exit code is
 * the HTTP status; its stdout is the (capped) response body. It sends the request once: a failure it
 * reports as retryable (5xx, 429, a connection failure) is tried again by the engine's {@code retry:}.
 * Thread-safe once started.
 */
public final class HttpRequestStep implements StepPlugin<HttpRequestConfig> {

    /** Vert.x's own request timeout normally reports first; this margin keeps its clearer message. */
    private static final Duration WAIT_MARGIN = Duration.ofMillis(250);

    private static final System.Logger LOG = System.getLogger(HttpRequestStep.class.getName());

    private volatile TlsClients clients;
    private volatile HttpSettings settings = HttpSettings.defaults();

    @Override
    public String type() {
        return "http.request";
    }

    @Override
    public Class<HttpRequestConfig> configType() {
        return HttpRequestConfig.class;
    }

    @Override
    public void start(PluginEnvironment environment) {
        Vertx vertx = environment.service(Vertx.class).orElseThrow(() -> new IllegalStateException(
                "http.request needs the engine's shared Vert.x instance (PluginEnvironment.service(Vertx.class)),"
                        + " but the engine offered none; the plugin does not start an event loop of its own."
                        + " This is a bug in the engine or in the embedding code: register the Vertx service."));
        HttpSettings configured = environment.settings("http", HttpSettings.class).orElseGet(HttpSettings::defaults);
        settings = configured;
        clients = new TlsClients(vertx, () -> new WebClientOptions()
                .setUserAgent(configured.userAgent())
                .setConnectTimeout(Math.toIntExact(configured.connectTimeout().toMillis())));
    }

    @Override
    public StepResult execute(StepContext context, HttpRequestConfig config) throws StepFailedException {
        TlsClients available = clients;
        if (available == null) {
            throw new IllegalStateException("http.request was not started: the engine must call start() first");
        }
        String target = config.method() + " " + Redaction.url(config.url());
        context.output().info(RequestDescription.of(config));
        if (context.dryRun()) {
            context.output().info("dry run: request not sent");
            return StepResult.succeeded("");
        }

        if (context.cancellation().isCancelled()) {
            throw new StepFailedException(target + ": not sent (" + reasonOr(context, "cancelled") + ")");
        }
        Duration limit = timeLimit(context, config);
        if (limit.isZero() || limit.isNegative()) {
            throw new StepFailedException(target + ": not sent, the step's time limit of " + context.timeout()
                    + " ran out before the request could start; raise the step's timeout");
        }
        URI uri = URI.create(config.url());
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        WebClient webClient = config.tls() == null ? available.plain() : available.forTls(config.tls());
        if (config.tls() != null && config.tls().insecureSkipVerify()) {
            // Loud on purpose: this must never become the quiet default it is in other tools.
            String warning = "WARNING: step '" + context.stepId() + "' of runbook '" + context.runbook() + "' calls "
                    + host + ":" + port + " with tls.insecureSkipVerify: true: the server's certificate and host name"
                    + " are NOT checked, so anyone in between can read and change this request; set tls.caFile instead";
            LOG.log(System.Logger.Level.WARNING, warning);
            context.output().info(warning);
        }

        CappedBody body = new CappedBody(settings.maxResponseBytes());
        HttpRequest<Void> request = prepare(webClient, config, limit).as(BodyCodec.pipe(body));
        Instant sentAt = Instant.now();
        HttpResponse<Void> response;
        try {
            response = await(context, target, host, port, limit, send(request, config), body);
        } catch (StepFailedException e) {
            if (context.cancellation().isCancelled()) {
                throw e;
            }
            // A refused connection, a reset or a timeout may pass: the engine's retry: decides whether to try again.
            throw new StepFailedException(e.getMessage(), e.getCause(), RetryAdvice.retryable());
        }

        long millis = Duration.between(sentAt, Instant.now()).toMillis();
        context.output().info("answered " + response.statusCode() + " " + response.statusMessage() + " in "
                + millis + " ms, " + body.totalBytes() + " bytes"
                + (response.getHeader("content-type") == null ? "" : " of " + response.getHeader("content-type")));
        StepResult result = ResponseReader.read(target, config, response, body, context.output());
        if (!result.succeeded()) {
            result = result.withRetry(retryAdvice(config, response));
        }
        if (!result.stdout().isEmpty()) {
            context.output().stdout(result.stdout());
        }
        return result;
    }

    @Override
    public void close() {
        TlsClients open = clients;
        clients = null;
        if (open != null) {
            open.close();
        }
    }

    /** The request's own timeout, cut to what is left of the step's time. */
    private Duration timeLimit(StepContext context, HttpRequestConfig config) {
        Duration requested = config.timeout() != null ? config.timeout() : settings.requestTimeout();
        Duration left = Duration.between(Instant.now(), context.deadline());
        return requested.compareTo(left) < 0 ? requested : left;
    }

    private HttpRequest<Buffer> prepare(WebClient webClient, HttpRequestConfig config, Duration limit) {
        long limitMillis = Math.max(1, limit.toMillis());
        HttpRequest<Buffer> request = webClient.requestAbs(HttpMethod.valueOf(config.method()), config.url())
                .timeout(limitMillis)
                .connectTimeout(Math.min(limitMillis, settings.connectTimeout().toMillis()))
                .followRedirects(config.followRedirects());
        config.query().forEach(request::addQueryParam);
        config.headers().forEach(request::putHeader);
        if (config.bearerToken() != null) {
            request.putHeader("Authorization", "Bearer " + config.bearerToken());
        }
        if (config.basicAuth() != null) {
            String pair = config.basicAuth().user() + ":" + config.basicAuth().password();
            request.putHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private static Future<HttpResponse<Void>> send(HttpRequest<Void> request, HttpRequestConfig config) {
        boolean typed = HttpRequestConfig.hasHeader(config.headers(), "Content-Type");
        if (config.json() != null) {
            if (!typed) {
                request.putHeader("Content-Type", "application/json");
            }
            return request.sendBuffer(Json.encodeToBuffer(config.json()));
        }
        if (config.body() != null) {
            if (!typed) {
                request.putHeader("Content-Type", "text/plain; charset=UTF-8");
            }
            return request.sendBuffer(Buffer.buffer(config.body(), "UTF-8"));
        }
        return request.send();
    }

    /**
     * Blocks the step's (virtual) thread until the answer, the time limit or a cancellation. On
     * cancellation it stops reading the body; Vert.x's request timeout, never longer than the step's
     * time, releases the connection if the server never answers.
     */
    private static HttpResponse<Void> await(StepContext context, String target, String host, int port,
                                            Duration limit, Future<HttpResponse<Void>> sending, CappedBody body)
            throws StepFailedException {
        CompletableFuture<HttpResponse<Void>> response = sending.toCompletionStage().toCompletableFuture();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        context.cancellation().onCancel(() -> {
            body.abort();
            stopped.complete(null);
        });
        try {
            CompletableFuture.anyOf(response, stopped)
                    .get(limit.plus(WAIT_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            body.abort();
            throw new StepFailedException(target + " failed: " + ConnectionFailures.timedOut(host + ":" + port, limit));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            body.abort();
            throw new StepFailedException(target + ": stopped waiting for the answer ("
                    + reasonOr(context, "interrupted") + "); the server may still act on the request", e);
        } catch (ExecutionException e) {
            throw failed(target, host, port, limit, e.getCause());
        }
        if (response.isCompletedExceptionally()) {
            // The step's deadline fires the cancellation and Vert.x's timeout at the same moment: report the
            // request's own failure, not an unexplained CompletionException.
            throw failed(target, host, port, limit, response.exceptionNow());
        }
        if (!response.isDone()) {
            throw new StepFailedException(target + ": stopped waiting for the answer ("
                    + reasonOr(context, "cancelled") + "); the server may still act on the request");
        }
        return response.join();
    }

    private static StepFailedException failed(String target, String host, int port, Duration limit,
                                              Throwable failure) {
        String explanation = ConnectionFailures.explain(failure, host, port, limit);
        return ConnectionFailures.isTimeout(failure)
                ? new StepFailedException(target + " failed: " + explanation)
                : new StepFailedException(target + " failed: " + explanation, failure);
    }

    /**
     * A 5xx or 429 the runbook does not expect may pass (with the server's {@code Retry-After} in seconds; the
     * HTTP-date form is rare and ignored); any other unexpected status would come back the same.
     */
    private static RetryAdvice retryAdvice(HttpRequestConfig config, HttpResponse<Void> response) {
        if (!config.retriesOn(response.statusCode())) {
            return config.isExpected(response.statusCode()) ? RetryAdvice.UNSAID : RetryAdvice.notRetryable();
        }
        String value = response.getHeader("Retry-After");
        if (value == null || !value.strip().matches("\\d{1,6}")) {
            return RetryAdvice.retryable();
        }
        return RetryAdvice.retryableAfter(Duration.ofSeconds(Long.parseLong(value.strip())));
    }

    private static String reasonOr(StepContext context, String fallback) {
        String reason = context.cancellation().reason();
        return reason == null || reason.isBlank() ? fallback : reason;
    }
}
