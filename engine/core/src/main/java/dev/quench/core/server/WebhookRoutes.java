package dev.quench.core.server;

import dev.quench.core.alert.AlertStatus;
import dev.quench.core.alert.AlertmanagerPayload;
import dev.quench.core.alert.Delivery;
import dev.quench.core.alert.GenericMapping;
import dev.quench.core.alert.GenericPayload;
import dev.quench.core.alert.GrafanaPayload;
import dev.quench.core.alert.PagerDutyPayload;
import dev.quench.core.alert.PayloadException;
import dev.quench.core.config.QuenchConfig;
import dev.quench.core.config.WebhookSources;
import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.ingest.GroupCommit;
import dev.quench.core.ingest.IngestCounters;
import dev.quench.core.ingest.IngestSettings;
import dev.quench.core.ingest.IntakeGate;
import dev.quench.core.ingest.JournalExpander;
import dev.quench.core.store.AlertJournal;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.Role;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /hooks/...}: receives alerts from Alertmanager, Grafana, PagerDuty and configured
 * generic sources. A 2xx answer means the alerts are durably stored; a full intake or a store
 * failure answers 503 so the sender retries; a bad body answers 4xx and stores nothing.
 */
final class WebhookRoutes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);
    private static final Set<String> BUILT_IN = Set.copyOf(WebhookSources.BUILT_IN);

    /** Parses one source's body. */
    @FunctionalInterface
    private interface SourceParser {
        Delivery parse(RoutingContext context, byte[] body) throws PayloadException;
    }

    private final Vertx vertx;
    private final Store store;
    private final RunDispatcher dispatcher;
    private final Clock clock;
    private final QuenchConfig config;
    private final IngestSettings settings;
    private final IntakeGate gate;
    private final IngestCounters counters;
    private final AlertJournal journal;
    private final boolean journaling;
    private final JournalExpander expander;
    private final GroupCommit groupCommit;

    /** A commit stops growing here: large enough to amortise the fsync, small enough to answer quickly. */
    private static final int MAX_ALERTS_PER_COMMIT = 5_000;

    WebhookRoutes(Vertx vertx, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher, Clock clock,
                  QuenchConfig config, IngestSettings settings, IngestCounters counters) {
        this.vertx = vertx;
        this.store = store;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.config = config;
        this.settings = settings;
        this.counters = counters;
        // A firing alert no runbook matches needs no dispatcher work: it is stored already processed (the
        // dispatcher would only mark it so), which keeps a storm of unhandled alerts off the dispatcher.
        // While the runbooks still load at start-up every alert goes to the dispatcher, which matches it
        // once they are loaded (docs/startup.md): the webhook is answered without waiting for the load.
        this.journaling = settings.journal();
        store.alerts().redeliveryWindow(settings.redeliveryWindow(), settings.redeliveryKeys());
        java.nio.file.Path journalDirectory = config.dataDirectory().resolve("journal");
        // Switched off since the last start: the journal is still opened, to store what it accepted back then.
        this.journal = journaling || java.nio.file.Files.isDirectory(journalDirectory)
                ? AlertJournal.open(journalDirectory, store) : null;
        this.expander = new JournalExpander(store, journal,
                alert -> {
                    // Asked once per alert not stored lately: a new unmatched firing alert is manual toil.
                    boolean unmatched = alert.status() == AlertStatus.FIRING && runbooks.loaded()
                            && runbooks.matching(alert).isEmpty();
                    if (unmatched) {
                        counters.unmatchedFiring(alert.name());
                    }
                    return unmatched;
                },
                dispatcher::alertsRecorded, counters);
        // Journaled-not-yet-expanded alerts count too: a backlog anywhere behind the 202 is bounded.
        this.gate = new IntakeGate(settings.maxPendingAlerts(),
                () -> expander.pendingAlerts() + dispatcher.pendingAlerts());
        this.groupCommit = new GroupCommit(journaling ? journal : null, expander, MAX_ALERTS_PER_COMMIT, counters);
    }

    void mount(Router router, SourceAuth auth, Access access) {
        // Credentials are checked from the headers first; only then is the body read (bounded).
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(settings.http().webhookBodyLimit());
        mount(router, auth, bodies, "/hooks/alertmanager", AlertmanagerPayload.SOURCE, (context, body) -> {
            AlertmanagerPayload.Notification notification = AlertmanagerPayload.parse(body);
            return new Delivery(notification.alerts(), null, notification.truncatedAlerts(), "");
        });
        mount(router, auth, bodies, "/hooks/grafana", GrafanaPayload.SOURCE, (context, body) -> GrafanaPayload.parse(body));
        mount(router, auth, bodies, "/hooks/pagerduty", PagerDutyPayload.SOURCE, (context, body) ->
                PagerDutyPayload.parse(body, context.request().getHeader("X-Webhook-Id")));
        router.post("/hooks/generic/:source")
                .handler(context -> {
                    String source = context.pathParam("source");
                    if (BUILT_IN.contains(source) || mapping(source).isEmpty()) {
                        HttpErrors.sendAndClose(context, 404, "unknown source",
                                "no generic source '" + source + "' is configured: add sources." + source
                                        + ".mapping to quench.yaml (see docs/sources.md)");
                        return;
                    }
                    auth.checkHeaders(context, source);
                });
        router.post("/hooks/generic/:source")
                .handler(bodies)
                .handler(context -> auth.checkSignature(context, context.pathParam("source")))
                .handler(context -> {
                    String source = context.pathParam("source");
                    GenericMapping mapping = mapping(source).orElseThrow();
                    receive(context, source, body -> GenericPayload.parse(body, source, mapping));
                });
        router.get("/api/v1/ingest").handler(access.read(Role.VIEWER)).handler(context ->
                vertx.executeBlocking(() -> store.alerts().count(), false).onComplete(stored -> {
                    // The intake's own figures still answer while the store is down: that is when they matter.
                    JsonObject answer = counters.toJson()
                            .put("storedAlerts", stored.succeeded() ? stored.result() : null)
                            .put("journal", journaling)
                            .put("journalAlerts", expander.pendingAlerts())
                            .put("redeliveryKeys", Math.max(0, store.alerts().rememberedKeys()))
                            .put("pendingAlerts", dispatcher.pendingAlerts())
                            .put("maxPendingAlerts", gate.maxPendingAlerts());
                    if (stored.failed()) {
                        answer.put("storeError", "the store cannot be read: " + stored.cause().getMessage());
                    }
                    context.json(answer);
                }));
    }

    private Optional<GenericMapping> mapping(String source) {
        return config.sources().containsKey(source) ? config.source(source).mappingIfSet() : Optional.empty();
    }

    private void mount(Router router, SourceAuth auth, BodyHandler bodies, String path, String source,
                       SourceParser parser) {
        // Two routes: Vert.x Web runs a route's body handler before its other handlers.
        router.post(path).handler(context -> auth.checkHeaders(context, source));
        router.post(path)
                .handler(bodies)
                .handler(context -> auth.checkSignature(context, source))
                .handler(context -> receive(context, source, body -> parser.parse(context, body)));
    }

    @FunctionalInterface
    private interface BodyParser {
        Delivery parse(byte[] body) throws PayloadException;
    }

    /**
     * Answers 415 unless the request says JSON (or says nothing) with no encoding or gzip; runs before
     * the body is read.
     */
    static void requireJson(RoutingContext context) {
        String contentType = context.request().getHeader("Content-Type");
        if (contentType != null && !jsonContentType(contentType)) {
            HttpErrors.sendAndClose(context, 415, "unsupported content type",
                    "'" + contentType + "': send the alerts as application/json (UTF-8)");
            return;
        }
        String encoding = context.request().getHeader("Content-Encoding");
        if (!ContentEncoding.supported(encoding)) {
            HttpErrors.sendAndClose(context, 415, "unsupported content encoding",
                    "Content-Encoding '" + encoding + "': Quench reads webhook bodies plain or gzip-compressed");
            return;
        }
        context.next();
    }

    private void receive(RoutingContext context, String source, BodyParser parser) {
        Buffer buffer = context.body().buffer();
        byte[] body = buffer == null ? new byte[0] : buffer.getBytes();
        Delivery delivery;
        try {
            body = ContentEncoding.decode(context.request().getHeader("Content-Encoding"), body,
                    settings.http().webhookBodyLimit());
            requireUtf8(body);
            delivery = parser.parse(body);
            settings.limits().check(delivery.alerts());
        } catch (PayloadException e) {
            counters.rejected(source);
            HttpErrors.send(context, 400, "invalid " + describe(source) + " payload", e.getMessage());
            return;
        } catch (ContentEncoding.TooLargeException e) {
            counters.rejected(source);
            HttpErrors.send(context, 413, "body too large", e.getMessage());
            return;
        } catch (RuntimeException e) {
            // A body the parser did not foresee: a 5xx would make the sender retry it for ever.
            LOG.warn("{} payload could not be read; answered 400", describe(source), e);
            counters.rejected(source);
            HttpErrors.send(context, 400, "invalid " + describe(source) + " payload",
                    "the body could not be read: " + e);
            return;
        }
        if (delivery.truncatedAlerts() > 0) {
            counters.truncated(delivery.truncatedAlerts());
            LOG.warn("{} left out {} alert(s) of this group (truncatedAlerts): Quench never saw them; raise max_alerts "
                    + "in its webhook_config (0 = unlimited)", describe(source), delivery.truncatedAlerts());
        }
        int count = delivery.alerts().size();
        if (count == 0 && delivery.deliveryIdIfSent().isEmpty()) {
            answer(context, source, delivery, 0, false);
            return;
        }
        if (!gate.tryAcquire(count)) {
            counters.refused(source, count);
            context.response().putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
            HttpErrors.send(context, 503, "intake full; retry",
                    "Quench holds " + gate.maxPendingAlerts() + " unprocessed alerts at most (ingest.maxPendingAlerts); "
                            + "nothing of this delivery was recorded — retry after " + settings.retryAfterSeconds() + " s");
            return;
        }
        io.vertx.core.Context requestContext = vertx.getOrCreateContext();
        groupCommit.submit(new DeliveryToRecord(source, delivery.deliveryId(), delivery.alerts(), clock.instant()))
                .whenComplete((recorded, failure) -> {
                    // The writer has handed the new alerts to the expander (its backlog counts them) by now.
                    gate.release(count);
                    requestContext.runOnContext(ignored -> {
                        if (failure == null) {
                            answer(context, source, delivery, recorded.created(), recorded.replay());
                            return;
                        }
                        if (failure instanceof GroupCommit.ShuttingDownException) {
                            context.response().putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
                            HttpErrors.send(context, 503, "Quench is stopping; retry",
                                    "nothing of this delivery was recorded — retry after " + settings.retryAfterSeconds()
                                            + " s (another instance, or this one after its restart, takes it)");
                            return;
                        }
                        LOG.error("cannot record {} alert(s) from {}", count, describe(source), failure);
                        context.response().putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
                        HttpErrors.send(context, 503, "alerts not recorded; retry",
                                "the store failed: " + failure.getMessage() + "; nothing of this delivery was recorded");
                    });
                });
    }

    private void answer(RoutingContext context, String source, Delivery delivery, int created, boolean replay) {
        int received = delivery.alerts().size();
        counters.recorded(source, received, created);
        JsonObject answer = new JsonObject()
                .put("received", received)
                .put("new", created)
                .put("duplicates", received - created);
        if (replay) {
            counters.replayed();
            answer.put("replay", true);
        }
        if (delivery.truncatedAlerts() > 0) {
            answer.put("truncatedAlerts", delivery.truncatedAlerts());
        }
        if (!delivery.note().isEmpty()) {
            answer.put("note", delivery.note());
        }
        context.response().setStatusCode(202).putHeader("content-type", "application/json").end(answer.encode());
    }

    static boolean jsonContentType(String header) {
        String[] parts = header.toLowerCase(Locale.ROOT).split(";");
        String type = parts[0].strip();
        if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) {
            return false;
        }
        for (int index = 1; index < parts.length; index++) {
            String parameter = parts[index].strip();
            if (parameter.startsWith("charset=")
                    && !parameter.substring("charset=".length()).replace("\"", "").strip().equals("utf-8")) {
                return false;
            }
        }
        return true;
    }

    private static void requireUtf8(byte[] body) throws PayloadException {
        int index = 0;
        while (index < body.length && body[index] >= 0) {
            index++;
        }
        if (index == body.length) {
            return; // ASCII, as most payloads are: valid UTF-8 without decoding
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new PayloadException("body is not valid UTF-8 (" + e.getMessage() + "): send JSON encoded as UTF-8", e);
        }
    }

    private static String describe(String source) {
        return switch (source) {
            case AlertmanagerPayload.SOURCE -> "Alertmanager";
            case GrafanaPayload.SOURCE -> "Grafana";
            case PagerDutyPayload.SOURCE -> "PagerDuty";
            default -> "'" + source + "'";
        };
    }

    /** Stops the writer after committing what it holds, then the expander after expanding what it can. */
    @Override
    public void close() throws InterruptedException {
        try {
            groupCommit.close();
        } finally {
            try {
                expander.close();
            } finally {
                if (journal != null) {
                    journal.close();
                }
            }
        }
    }

    static List<String> paths() {
        return List.of("/hooks/alertmanager", "/hooks/grafana", "/hooks/pagerduty", "/hooks/generic/{source}");
    }
}
