package dev.quench.core.server;

import dev.quench.core.ingest.HttpLimits;
import dev.quench.core.ingest.IngestCounters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps clients from holding the HTTP server: caps the open connections (one beyond the cap is
 * closed at once), closes a connection that sends no complete request head within
 * {@link HttpLimits#idleTimeout()} (a slow-loris trickling headers, or a keep-alive connection left
 * idle), and answers 408 to a request whose body has not arrived within
 * {@link HttpLimits#requestTimeout()}. Vert.x's own idle timeout is not used: it would cut a long
 * quiet answer (event streams) as well. Thread-safe.
 */
final class ConnectionGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Vertx vertx;
    private final HttpLimits limits;
    private final IngestCounters counters;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong nextRefusalLog = new AtomicLong(System.nanoTime());
    /** Connections waiting for their next request head, with the timer that closes them. */
    private final Map<HttpConnection, Long> awaitingHead = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, HttpLimits limits, IngestCounters counters) {
        this.vertx = vertx;
        this.limits = limits;
        this.counters = counters;
    }

    /** The server's connection handler. */
    void connected(HttpConnection connection) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            counters.refusedConnection();
            long now = System.nanoTime();
            long next = nextRefusalLog.get();
            if (now - next >= 0 && nextRefusalLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
                LOG.warn("{} connections are open, the limit (ingest.maxConnections): new ones are closed at once "
                        + "({} so far); if these are real senders raise the limit, else find who holds them",
                        limits.maxConnections(), counters.refusedConnections());
            }
            connection.close();
            return;
        }
        connection.closeHandler(ignored -> {
            open.decrementAndGet();
            Long timer = awaitingHead.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        awaitHead(connection);
    }

    /** The router's first handler: the head has arrived; the body must follow within the request timeout. */
    void requestStarted(RoutingContext context) {
        HttpServerRequest request = context.request();
        HttpConnection connection = request.connection();
        Long headTimer = awaitingHead.remove(connection);
        if (headTimer != null) {
            vertx.cancelTimer(headTimer);
        }
        long bodyTimer = request.isEnded() ? -1
                : vertx.setTimer(limits.requestTimeout().toMillis(), ignored -> bodyTooSlow(context));
        context.addEndHandler(ignored -> {
            if (bodyTimer >= 0 && request.isEnded()) {
                vertx.cancelTimer(bodyTimer);
            }
            awaitHead(connection);
        });
        context.next();
    }

    private void awaitHead(HttpConnection connection) {
        long timer = vertx.setTimer(limits.idleTimeout().toMillis(), ignored -> {
            if (awaitingHead.remove(connection) != null) {
                connection.close();
            }
        });
        Long previous = awaitingHead.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void bodyTooSlow(RoutingContext context) {
        if (context.request().isEnded()) {
            return;
        }
        counters.timedOutRequest();
        if (context.response().ended()) {
            context.request().connection().close();
            return;
        }
        HttpErrors.sendAndClose(context, 408, "request body too slow",
                "the body did not arrive within " + limits.requestTimeout().toSeconds()
                        + " s of the request head (ingest.requestTimeout); nothing of it was recorded");
    }
}
