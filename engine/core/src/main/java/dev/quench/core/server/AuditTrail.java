package dev.quench.core.server;

import dev.quench.core.store.AuditEntry;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to the audit trail from the HTTP side, off the event loop. An append that fails is logged
 * with the whole entry (the action itself has happened; the log keeps the trace). Thread-safe.
 */
final class AuditTrail {

    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final Vertx vertx;
    private final Store store;
    private final Clock clock;

    AuditTrail(Vertx vertx, Store store, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Appends what {@code principal} (null: not recognised) tried, from the request's address. */
    void append(RoutingContext context, Principal principal, String action, String target, String outcome,
                String detail) {
        AuditEntry entry = new AuditEntry(0, clock.instant(), principal == null ? "-" : principal.name(),
                principal == null ? "-" : principal.role().wireName(), action, target, outcome,
                Access.address(context), detail);
        append(entry);
    }

    void append(AuditEntry entry) {
        vertx.executeBlocking(() -> {
            store.audit().append(entry);
            return null;
        }, false).onFailure(error -> LOG.error("cannot append to the audit trail: {}", entry, error));
    }
}
