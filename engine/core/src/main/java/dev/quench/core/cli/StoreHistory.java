package dev.quench.core.cli;

import dev.quench.core.config.QuenchConfig;
import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.incident.Postmortem;
import dev.quench.core.incident.PostmortemMarkdown;
import dev.quench.core.incident.RunbookTimes;
import dev.quench.core.store.IncidentQuery;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.ledger.ToilLedger;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.schedule.ScheduleView;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import dev.quench.core.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** History read straight from the embedded store of a data directory. */
final class StoreHistory implements History {

    private final Store store;

    StoreHistory(QuenchConfig config) {
        this.store = Store.open(config.storeUrl(), config.storeUser(), config.storePassword());
    }

    @Override
    public List<RunRecord> runs(RunStatus status, String runbook, int limit) {
        return store.runs().list(status, runbook, limit);
    }

    @Override
    public Optional<RunRecord> run(String id) {
        return store.runs().find(id);
    }

    @Override
    public ToilReport toil(Duration since, ToilGrouping by) {
        return new ToilLedger(store, ToilLedger.DEFAULT_MINUTES_PER_MANUAL_ALERT).report(Instant.now().minus(since), by);
    }

    @Override
    public dev.quench.core.ledger.ToilShares toilShares(Duration since) {
        Instant now = Instant.now();
        return new ToilLedger(store, dev.quench.core.ledger.ToilSettings.DEFAULTS).shares(now.minus(since), now);
    }

    @Override
    public List<ScheduleView> schedules() {
        return ScheduleView.list(store);
    }

    @Override
    public IncidentPage incidents(IncidentQuery query) {
        IncidentQuery timed = new IncidentQuery(query.open(), null, query.runbook(),
                query.since() != null ? query.since() : Instant.now().minus(java.time.Duration.ofDays(30)), 10_000, 0);
        return new IncidentPage(store.incidents().list(query), RunbookTimes.of(store.incidents().list(timed)));
    }

    @Override
    public Optional<IncidentDetail> incident(String id) {
        return IncidentDetail.load(store, id);
    }

    @Override
    public Optional<String> exportIncident(String id, String format) throws Exception {
        Optional<IncidentDetail> detail = IncidentDetail.load(store, id);
        if (detail.isEmpty()) {
            return Optional.empty();
        }
        Postmortem draft = Postmortem.of(detail.get());
        return Optional.of("json".equals(format)
                ? dev.quench.core.util.Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(draft)
                : PostmortemMarkdown.render(draft));
    }

    @Override
    public void close() {
        store.close();
    }
}
