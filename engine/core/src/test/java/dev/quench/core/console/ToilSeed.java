package dev.quench.core.console;

import dev.quench.core.alert.Alert;
import dev.quench.core.alert.AlertStatus;
import dev.quench.core.store.DeliveryToRecord;
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

/** Puts the ledger's raw material into a store the way the engine records it: finished runs, unmatched alerts. */
final class ToilSeed {

    private ToilSeed() {
    }

    /** A run of {@code runbook} (owned by {@code owner}) that finished at {@code finishedAt}, saving {@code saved} minutes. */
    static String finishedRun(Store store, String runbook, String owner, RunStatus status, int saved, Instant finishedAt) {
        String id = UUID.randomUUID().toString();
        Instant created = finishedAt.minusSeconds(60);
        store.runs().insertQueued(new RunRecord(id, runbook, owner, TriggerType.MANUAL, "seeded by a test", null,
                RunStatus.QUEUED, false, Map.of(), saved, 0, "", created, null, null, List.of()));
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
