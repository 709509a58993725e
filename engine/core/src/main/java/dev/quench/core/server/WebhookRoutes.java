package dev.quench.core.server;

import dev.quench.core.alert.AlertmanagerPayload;
import dev.quench.core.alert.PayloadException;
import dev.quench.core.engine.RunDispatcher;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/...}: receives alerts. A 2xx answer means the alerts are durably stored; a
 * store failure answers 503 so the sender retries; a bad body answers 400 and stores nothing.
 */
final class WebhookRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

    private final Vertx vertx;
    private final Store store;
    private final RunDispatcher dispatcher;
    private final Clock clock;

    WebhookRoutes(Vertx vertx, Store store, RunDispatcher dispatcher, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    void mount(Router router, SourceAuth auth) {
        router.post("/hooks/alertmanager")
                .handler(context -> auth.check(context, AlertmanagerPayload.SOURCE))
                .handler(this::alertmanager);
    }

    private void alertmanager(RoutingContext context) {
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        AlertmanagerPayload.Notification notification;
        try {
            notification = AlertmanagerPayload.parse(body);
        } catch (PayloadException e) {
            HttpErrors.send(context, 400, "invalid Alertmanager payload", e.getMessage());
            return;
        }
        if (notification.truncatedAlerts() > 0) {
            LOG.warn("Alertmanager group {} truncated {} alert(s): raise max_alerts in its webhook_config to see them",
                    notification.groupKey(), notification.truncatedAlerts());
        }
        vertx.executeBlocking(() -> store.alerts().record(notification.alerts(), clock.instant()), false)
                .onSuccess(created -> {
                    dispatcher.alertsRecorded(created);
                    context.response().setStatusCode(202).putHeader("content-type", "application/json")
                            .end(new JsonObject()
                                    .put("received", notification.alerts().size())
                                    .put("new", created.size())
                                    .put("duplicates", notification.alerts().size() - created.size())
                                    .encode());
                })
                .onFailure(error -> {
                    LOG.error("cannot record {} alert(s) from Alertmanager", notification.alerts().size(), error);
                    HttpErrors.send(context, 503, "alerts not recorded; retry",
                            "the store failed: " + error.getMessage());
                });
    }

    static List<String> paths() {
        return List.of("/hooks/alertmanager");
    }
}
