package dev.quench.core.server;

import dev.quench.core.metrics.EngineMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /metrics}: the engine's meters in Prometheus's text format, on the API port behind
 * {@link MetricsAccess}, and optionally on a loopback-only port without credentials. Rendered off the
 * event loop: some gauges (runs by state) read the store. Thread-safe.
 */
final class MetricsRoutes {

    /** Prometheus's text exposition format, version 0.0.4: what every Prometheus version scrapes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The only address the credential-free metrics port binds to: a scraper on this machine. */
    static final String LOOPBACK = "127.0.0.1";

    private final Vertx vertx;
    private final EngineMetrics metrics;

    MetricsRoutes(Vertx vertx, EngineMetrics metrics) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    void mount(Router router, MetricsAccess access) {
        router.get("/metrics").handler(access::check).handler(this::scrape);
    }

    /** Serves {@code /metrics} alone, without credentials, on {@code port} of 127.0.0.1 (0: any free port). */
    HttpServer listenOnLoopback(int port) throws InterruptedException, ExecutionException, TimeoutException {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(this::scrape);
        router.route().last().handler(context -> HttpErrors.sendAndClose(context, 404, "not found",
                "this port (metrics.openPort) serves GET /metrics only; the API is on the main port"));
        return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
                .requestHandler(router)
                .listen(port, LOOPBACK)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void scrape(RoutingContext context) {
        vertx.executeBlocking(metrics::scrape, false).onComplete(result -> {
            if (result.failed()) {
                HttpErrors.send(context, 500, "cannot render the metrics", String.valueOf(result.cause()));
            } else {
                context.response().putHeader("content-type", CONTENT_TYPE).end(result.result());
            }
        });
    }
}
