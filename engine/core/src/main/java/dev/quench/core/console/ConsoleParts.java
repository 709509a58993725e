package dev.quench.core.console;

import dev.quench.core.dispatch.RunDispatcher;
import dev.quench.core.dispatch.RunbookRegistry;
import dev.quench.core.events.RunEventBus;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.schedule.RunbookScheduler;
import dev.quench.core.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Objects;

/**
 * The engine's parts the console's screens read and act through, handed over by the composition root.
 * Immutable (the parts themselves are thread-safe).
 */
public record ConsoleParts(Vertx vertx, Store store, RunbookRegistry runbooks, RunDispatcher dispatcher,
                           ToilLedger ledger, RunbookScheduler schedules, RunEventBus events, Clock clock) {

    public ConsoleParts {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(runbooks, "runbooks");
        Objects.requireNonNull(dispatcher, "dispatcher");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(clock, "clock");
    }
}
