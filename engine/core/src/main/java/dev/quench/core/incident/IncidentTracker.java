package dev.quench.core.incident;

import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoreTransaction;
import dev.quench.core.store.StoredAlert;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Places alerts and runs in incidents as the dispatcher records them (inside its transaction), and resolves
 * incidents once they settle. A firing alert that matched a runbook opens or joins its group's incident; a
 * resolved alert joins the open incident holding its firing one; firing alerts no runbook matched stay manual
 * toil and open none. Thread-safe.
 */
public final class IncidentTracker {

    private final Store store;
    private final IncidentSettings settings;

    public IncidentTracker(Store store, IncidentSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Places {@code stored} in its incident, inside {@code transaction}.
     *
     * @param owner the owner of the first runbook it matched, or null when it matched none
     * @return the incident it joined or opened; empty for a firing alert that matched no runbook, or a
     *         resolved one whose firing alert is in no open incident
     */
    public Optional<String> place(StoreTransaction transaction, StoredAlert stored, String owner) {
        if (stored.alert().status() == AlertStatus.RESOLVED) {
            return store.incidents().noteResolved(transaction, stored.id(), stored.alert().source(),
                    stored.alert().fingerprint());
        }
        if (owner == null) {
            return Optional.empty();
        }
        IncidentKey key = IncidentKey.of(stored.alert(), settings);
        Duration window = settings.window();
        return Optional.of(store.incidents().place(transaction, key.key(), key.title(), owner, stored.id(),
                stored.receivedAt(), window));
    }

    /** Resolves the open incidents whose alerts all resolved and whose runs all ended; returns their ids. */
    public List<String> resolveSettled() {
        return store.incidents().resolveSettled();
    }
}
