package dev.quench.core.console;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.DeliveryToRecord;
import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.RunLease;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import dev.quench.core.store.TriggerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Puts the ledger's raw material into a store the way the engine records it: finished runs, alerts and
 * the runs they triggered, unmatched alerts. */
final class ToilSeed {

    private ToilSeed() {
    }

    /** A run of {@code runbook} (owned by {@code owner}) that finished at {@code finishedAt}, saving {@code saved} minutes. */
    static String finishedRun(Store store, String runbook, String owner, RunStatus status, int saved, Instant finishedAt) {
        return finishedRun(store, runbook, owner, status, saved, finishedAt, null, false);
    }

    /**
     * A firing alert named {@code alertname}, received two minutes before {@code finishedAt} and matched by
     * {@code runbook}, and the run it triggered (approved by a person when {@code approved}). The ledger's coverage
     * counts it as handled without a human when the run succeeded and nobody approved it.
     */
    static String alertAndRun(Store store, String alertname, String runbook, String owner, RunStatus status,
                              boolean approved, int saved, Instant finishedAt) {
        Instant received = finishedAt.minusSeconds(120);
        Alert alert = new Alert("alertmanager", alertname + "-" + UUID.randomUUID(), AlertStatus.FIRING,
                Map.of("alertname", alertname, "instance", "host-1:9100"), Map.of(), received, null, "");
        long alertId = store.alerts().record(List.of(alert), received).get(0);
        store.useTransaction(transaction -> store.alerts().markProcessed(transaction, Map.of(alertId, 1)));
        return finishedRun(store, runbook, owner, status, saved, finishedAt, alertId, approved);
    }

    private static String finishedRun(Store store, String runbook, String owner, RunStatus status, int saved,
                                      Instant finishedAt, Long alertId, boolean approved) {
        String id = UUID.randomUUID().toString();
        Instant created = finishedAt.minusSeconds(60);
        store.runs().insertQueued(new RunRecord(id, runbook, owner, alertId == null ? TriggerType.MANUAL : TriggerType.ALERT,
                "seeded by a test", alertId, RunStatus.QUEUED, false, Map.of(), saved, 0, "", created, null, null, List.of()));
        if (approved) {
            store.guards().recordDecision(id, new GuardRepository.Decision("approve", "alice", "seeded by a test", created));
        }
        RunLease lease = store.runs().claim(id, "seed", created, finishedAt.plusSeconds(60)).orElseThrow();
        store.runs().finish(lease, status, status == RunStatus.SUCCEEDED ? "" : "seeded failure", saved, finishedAt);
        return id;
    }

    /** {@code count} firing alerts named {@code alertname} that no runbook matched, received at {@code receivedAt}. */
    static void unmatchedAlerts(Store store, String alertname, int count, Instant receivedAt) {
        List<Alert> alerts = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            alerts.add(new Alert("alertmanager", alertname + "-" + UUID.randomUUID(), AlertStatus.FIRING,
                    Map.of("alertname", alertname, "instance", "host-" + index + ":9100"), Map.of(), receivedAt, null, ""));
        }
        store.alerts().recordDeliveries(List.of(new DeliveryToRecord("alertmanager", null, alerts, receivedAt)),
                alert -> true);
    }
}
