package dev.quench.core.incident;

import dev.quench.core.store.GuardRepository;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.Store;
import dev.quench.core.store.StoredAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One incident with everything it holds: its alerts (firing and resolved rows, oldest first) and its runs
 * with their steps and decisions (approvals, rejections, forced starts, with who). What {@code GET
 * /api/v1/incidents/{id}} answers and the postmortem draft is made from. Immutable.
 *
 * @param incident the incident
 * @param alerts   its alert rows, oldest first
 * @param runs     its runs, oldest first
 */
public record IncidentDetail(IncidentRecord incident, List<StoredAlert> alerts, List<IncidentRun> runs) {

    public IncidentDetail {
        Objects.requireNonNull(incident, "incident");
        alerts = List.copyOf(alerts);
        runs = List.copyOf(runs);
    }

    /**
     * A run of the incident and who decided what about it.
     *
     * @param run       the run with its steps
     * @param decisions its decisions, oldest first
     */
    public record IncidentRun(RunRecord run, List<GuardRepository.Decision> decisions) {
        public IncidentRun {
            Objects.requireNonNull(run, "run");
            decisions = decisions == null ? List.of() : List.copyOf(decisions);
        }
    }

    /** The incident {@code id} read from {@code store}, if it is stored. */
    public static Optional<IncidentDetail> load(Store store, String id) {
        Optional<IncidentRecord> incident = store.incidents().find(id);
        if (incident.isEmpty()) {
            return Optional.empty();
        }
        List<StoredAlert> alerts = store.alerts().findAll(store.incidents().alertIds(id));
        List<IncidentRun> runs = new ArrayList<>();
        for (String runId : store.incidents().runIds(id)) {
            store.runs().find(runId).ifPresent(run -> runs.add(new IncidentRun(run, store.guards().decisions(runId))));
        }
        return Optional.of(new IncidentDetail(incident.get(), alerts, runs));
    }
}
