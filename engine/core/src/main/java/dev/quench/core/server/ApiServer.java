package dev.quench.core.server;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.engine.RunDispatcher;
import dev.quench.core.engine.RunbookRegistry;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The HTTP side of the engine: webhooks, API and health, on one Vert.x server. */
public final class ApiServer implements AutoCloseable {

    /** Bodies larger than this are refused with 413 (a 10,000-alert storm is about 10 MB). */
    static final long BODY_LIMIT_BYTES = 32L * 1024 * 1024;

    private final HttpServer server;
    private final WebhookRoutes webhooks;

    private ApiServer(HttpServer server, WebhookRoutes webhooks) {
        this.server = server;
        this.webhooks = webhooks;
    }

    /** Starts listening; returns once the port is bound. */
    public static ApiServer start(Vertx vertx, QuenchConfig config, ApiToken apiToken, Store store,
                                  RunbookRegistry runbooks, RunDispatcher dispatcher, ToilLedger ledger, Clock clock,
                                  RunbookScheduler schedules)
            throws InterruptedException, ExecutionException, TimeoutException {
        Router router = Router.router(vertx);
        // Before the body handler: it would decode a form body itself and answer a bare 400.
        router.post("/hooks/*").handler(WebhookRoutes::requireJson);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES));
        SourceAuth auth = new SourceAuth(config, apiToken, List.of("alertmanager", "grafana", "pagerduty"));
        WebhookRoutes webhooks = new WebhookRoutes(vertx, store, runbooks, dispatcher, clock, config);
        webhooks.mount(router, auth);
        new ApiRoutes(vertx, store, runbooks, dispatcher, ledger, clock).mount(router, auth);
        new ScheduleRoutes(vertx, schedules).mount(router);
        new GuardRoutes(vertx, store, dispatcher).mount(router);
        router.get("/health/live").handler(context -> context.json(new JsonObject().put("status", "up")));
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
        router.route().last().handler(context -> HttpErrors.send(context, 404, "not found",
                context.request().method() + " " + context.request().path() + " is not an endpoint of Quench"));
        router.errorHandler(413, context -> HttpErrors.send(context, 413, "body too large",
                "the limit is " + BODY_LIMIT_BYTES + " bytes"));
        router.errorHandler(500, context -> HttpErrors.send(context, 500, "internal error",
                context.failure() == null ? "" : context.failure().getMessage()));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(config.port(), config.host())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new ApiServer(server, webhooks);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        // Graceful: stop accepting, let requests waiting for the intake's commit get their answer.
        server.shutdown(5, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        webhooks.close();
    }
}
