package dev.quench.core.cli;

import dev.quench.core.ledger.ToilGrouping;
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

    List<ScheduleView> schedules() throws Exception;

    @Override
    default void close() {
    }
}
