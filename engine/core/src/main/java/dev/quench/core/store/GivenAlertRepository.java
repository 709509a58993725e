package dev.quench.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.quench.core.alert.Alert;
import dev.quench.core.util.Json;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Alerts given inline to manual runs, kept with the run so that any node that claims it (after an
 * approval, a restart or a takeover) runs it against that alert. Thread-safe.
 */
public final class GivenAlertRepository {

    private final Jdbi jdbi;

    GivenAlertRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Keeps {@code alert} for run {@code runId}, in the transaction that inserts the run. */
    public void keep(StoreTransaction transaction, String runId, Alert alert) {
        String json;
        try {
            json = Json.json().writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot keep the alert of run " + runId + ": " + e.getOriginalMessage(), e);
        }
        transaction.handle().createUpdate("insert into run_given_alert (run_id, alert) values (:id, :alert)")
                .bind("id", runId).bind("alert", json).execute();
    }

    /** The alert given to run {@code runId}, if it was given one. */
    public Optional<Alert> find(String runId) {
        return jdbi.withHandle(handle -> handle.createQuery("select alert from run_given_alert where run_id = :id")
                .bind("id", runId).mapTo(String.class).findOne()).map(json -> {
                    try {
                        return Json.json().readValue(json, Alert.class);
                    } catch (JsonProcessingException e) {
                        throw new StoreException("the stored alert of run " + runId + " is not readable: "
                                + e.getOriginalMessage(), e);
                    }
                });
    }
}
