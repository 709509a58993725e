package dev.quench.core.server;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.WebhookSources;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.ingest.HttpLimits;
import dev.quench.core.ingest.IngestCounters;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.metrics.EngineMetrics;
import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side of the engine: webhooks, API and health, on one Vert.x server. */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Vertx vertx;
    private final String deployment;
    private final List<HttpServer> servers;
    private final WebhookRoutes webhooks;
    private final TokenDirectory tokens;
    private final Optional<HttpServer> metricsServer;

    private ApiServer(Vertx vertx, String deployment, List<HttpServer> servers, WebhookRoutes webhooks,
                      TokenDirectory tokens, Optional<HttpServer> metricsServer) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.servers = List.copyOf(servers);
        this.webhooks = webhooks;
        this.tokens = tokens;
        this.metricsServer = metricsServer;
    }

    /**
     * Starts listening; returns once the port is bound (and the loopback metrics port, when
     * {@code metricsPort} is set). {@code events} feeds the event streams.
     *
     * @param scrapeToken a second token that reads {@code /metrics} only
     * @param console     routes mounted after the API's (the web console), if any
     */
    public static ApiServer start(Vertx vertx, QuenchConfig config, Store store,
                                  RunbookRegistry runbooks, RunDispatcher dispatcher, ToilLedger ledger, Clock clock,
                                  RunbookScheduler schedules, RunEventBus events, EngineMetrics metrics,
                                  Optional<ApiToken> scrapeToken, java.util.OptionalInt metricsPort,
                                  Optional<RouteMount> console)
            throws InterruptedException, ExecutionException, TimeoutException {
        IngestSettings settings = IngestSettings.from(config.section("ingest"));
        ApprovalSettings approval = ApprovalSettings.from(config.section("approval"));
        HttpLimits limits = settings.http();
        IngestCounters counters = new IngestCounters(metrics);
        ConnectionGuard guard = new ConnectionGuard(vertx, limits, counters);
        HeapWatch heap = new HeapWatch(HeapWatch.DEFAULT_LIMIT);
        watchForOutOfMemory(vertx, heap);
        Router router = Router.router(vertx);
        router.route().handler(guard::requestStarted);
        // Before any body is read: a form body would be decoded by the body handler and answered a bare 400.
        router.post("/hooks/*").handler(WebhookRoutes::requireJson);
        TokenDirectory tokens = new TokenDirectory(store, clock,
                OidcSettings.from(config.section("oidc")).map(JwtVerifier::new).orElse(null));
        AuditTrail audit = new AuditTrail(vertx, store, clock);
        AuthFailures failures = new AuthFailures(vertx, clock, audit, java.time.Duration.ofMinutes(1));
        Access access = new Access(tokens, failures, audit);
        SourceAuth auth = new SourceAuth(config, tokens, failures, audit, WebhookSources.BUILT_IN,
                limits.webhookBodyLimit());
        WebhookRoutes webhooks = new WebhookRoutes(vertx, store, runbooks, dispatcher, clock, config, settings, counters);
        webhooks.mount(router, auth, access);
        new ApiRoutes(vertx, store, runbooks, dispatcher, ledger, clock).mount(router, access, limits.apiBodyLimit());
        new ScheduleRoutes(vertx, schedules).mount(router, access);
        new GuardRoutes(vertx, store, dispatcher, new RunDecisions(store, dispatcher, approval)).mount(router, access);
        new BreakerRoutes(vertx, runbooks, dispatcher.breakers()).mount(router, access);
        new LockRoutes(vertx, store, runbooks).mount(router, access);
        new TokenRoutes(vertx, store, tokens, runbooks, clock, WebhookSources.of(config)).mount(router, access);
        new AuditRoutes(vertx, store, clock).mount(router, access);
        new IncidentRoutes(vertx, store, clock).mount(router, access);
        new RunEventRoutes(vertx, store, events, RunVisibility.byTeam(runbooks)).mount(router);
        MetricsRoutes metricsRoutes = new MetricsRoutes(vertx, metrics);
        metricsRoutes.mount(router, new MetricsAccess(access, scrapeToken));
        router.get("/health/live").handler(context -> heap.problem().ifPresentOrElse(
                problem -> HttpErrors.send(context, 503, "not live", problem),
                () -> context.json(new JsonObject().put("status", "up"))));
        router.get("/health/ready").handler(context -> {
            if (!runbooks.loaded()) {
                // Serving, but not matching yet (start-up: docs/startup.md); webhooks are stored meanwhile.
                context.response().setStatusCode(503);
                context.json(new JsonObject().put("status", "loading runbooks"));
                return;
            }
            context.json(new JsonObject().put("status", "ready")
                    .put("runbooks", runbooks.runbooks().size())
                    .put("runbookProblems", runbooks.problems().size()));
        });
        console.ifPresent(mount -> mount.mount(router, new HttpAccess(access, tokens, failures, audit)));
        router.route().last().handler(context -> HttpErrors.sendAndClose(context, 404, "not found",
                context.request().method() + " " + context.request().path() + " is not an endpoint of Quench"));
        // The sender passed the credentials check: its body is read to the end and dropped, so it reads the 413.
        router.errorHandler(413, context -> HttpErrors.send(context, 413, "body too large",
                tooLarge(context.request().path(), context.request().getHeader("Content-Length"), limits)));
        router.errorHandler(500, context -> {
            if (context.failure() instanceof OutOfMemoryError error) {
                heap.outOfMemory(error);
            }
            HttpErrors.send(context, 500, "internal error",
                    context.failure() == null ? "" : context.failure().getMessage());
        });
        // HTTP/1.1 only: no sender of alerts speaks cleartext HTTP/2, and with it on, a connection is not
        // handed to the guard until its first bytes arrive (an idle one would hold a socket uncounted).
        // server.eventLoops servers on one port, deployed as that many instances: each gets an event loop of its
        // own, and Vert.x hands the accepted connections to them in turn. (Servers created here, on one
        // non-Vert.x thread, would all share this thread's one context and loop.) A random port (0) is shared
        // as Vert.x shares one: every instance asks for the same negative port. The router and every handler
        // behind it are thread-safe (no state is confined to one loop), so one router serves them all.
        int port = config.port() == 0 && config.eventLoops() > 1 ? -1 : config.port();
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
        List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
        String deployment = vertx.deployVerticle(() -> (io.vertx.core.Deployable) context -> vertx
                                .createHttpServer(options)
                                .connectionHandler(guard::connected)
                                .requestHandler(router)
                                .listen(port, config.host())
                                .onSuccess(servers::add),
                        new io.vertx.core.DeploymentOptions().setInstances(config.eventLoops()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Optional<HttpServer> metricsServer = Optional.empty();
        if (metricsPort.isPresent()) {
            try {
                metricsServer = Optional.of(metricsRoutes.listenOnLoopback(metricsPort.getAsInt()));
            } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
                vertx.undeploy(deployment);
                webhooks.close();
                tokens.close();
                throw e;
            }
        }
        return new ApiServer(vertx, deployment, servers, webhooks, tokens, metricsServer);
    }

    private static String tooLarge(String path, String contentLength, HttpLimits limits) {
        boolean api = path.startsWith("/api/");
        String size = contentLength == null ? "this one is longer" : "this one has " + contentLength.strip();
        return (api ? "/api/v1 takes bodies of " + limits.apiBodyLimit() + " bytes at most (ingest.apiBodyLimit); "
                : "a webhook body may have " + limits.webhookBodyLimit() + " bytes at most (ingest.webhookBodyLimit); ")
                + size;
    }

    /** An OutOfMemoryError that reaches Vert.x makes the engine not live (HeapWatch); it is logged as before. */
    private static void watchForOutOfMemory(Vertx vertx, HeapWatch heap) {
        io.vertx.core.Handler<Throwable> previous = vertx.exceptionHandler();
        vertx.exceptionHandler(error -> {
            if (error instanceof OutOfMemoryError) {
                heap.outOfMemory(error);
            }
            if (previous != null) {
                previous.handle(error);
            } else {
                LOG.error("unhandled exception in the HTTP server", error);
            }
        });
    }

    public int port() {
        return servers.get(0).actualPort();
    }

    /** How many event loops serve HTTP ({@code server.eventLoops}). */
    public int eventLoops() {
        return servers.size();
    }

    /** The port of the loopback metrics server (metrics.openPort), when there is one. */
    public java.util.OptionalInt metricsPort() {
        return metricsServer.map(open -> java.util.OptionalInt.of(open.actualPort())).orElse(java.util.OptionalInt.empty());
    }

    @Override
    public void close() throws Exception {
        // Graceful: stop accepting, let requests waiting for the intake's commit get their answer.
        if (metricsServer.isPresent()) {
            metricsServer.get().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        io.vertx.core.Future.all(servers.stream().map(server -> server.shutdown(5, TimeUnit.SECONDS)).toList())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        webhooks.close();
        tokens.close();
    }
}
