package dev.quench.core.cli;

import dev.quench.core.incident.IncidentDetail;
import dev.quench.core.incident.RunbookTimes;
import dev.quench.core.ledger.ToilGrouping;
import dev.quench.core.store.IncidentQuery;
import dev.quench.core.store.IncidentRecord;
import dev.quench.core.ledger.ToilReport;
import dev.quench.core.schedule.ScheduleView;
import dev.quench.core.store.RunRecord;
import dev.quench.core.store.RunStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where the CLI reads run history and the toil ledger from: a running engine or a data directory. */
interface History extends AutoCloseable {

    List<RunRecord> runs(RunStatus status, String runbook, int limit) throws Exception;

    Optional<RunRecord> run(String id) throws Exception;

    ToilReport toil(Duration since, ToilGrouping by) throws Exception;

    /** The toil share per team and week, coverage and automate next over the last {@code since}. */
    dev.quench.core.ledger.ToilShares toilShares(Duration since) throws Exception;

    List<ScheduleView> schedules() throws Exception;

    /** Incidents newest first (the query's owner is ignored: a server scopes by the token), with MTTA/MTTR per runbook. */
    IncidentPage incidents(IncidentQuery query) throws Exception;

    Optional<IncidentDetail> incident(String id) throws Exception;

    /** The postmortem draft of an incident as {@code markdown} or {@code json}. */
    Optional<String> exportIncident(String id, String format) throws Exception;

    /**
     * A page of incidents and the times per runbook over the same filter.
     *
     * @param incidents the page
     * @param byRunbook MTTA and MTTR per runbook
     */
    record IncidentPage(List<IncidentRecord> incidents, List<RunbookTimes> byRunbook) {
    }

    @Override
    default void close() {
    }
}
